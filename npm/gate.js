'use strict'
// The gate every bundler plugin shares: scan a build's output files with one core Scanner,
// attribute env values, apply the server-output policy and suppressions, and decide whether the
// build fails. Bundler-neutral: the Vite plugin and the webpack plugin hand it plain
// `{ fileName, source, map }` assets and turn the verdict into their own way of failing.
const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const { failsAt, applyRuleLevels } = require('./config.js')
const { matchAny } = require('./glob.js')
const { applySuppressions } = require('./suppress.js')
const { groupFindings } = require('./group.js')
const { isBinary, kindOf } = require('./walk.js')
const { checkDeployFile } = require('./deploy-check.js')

/** Rules the gate applies itself (the core does not know them). */
const GATE_RULE = (id) => id.startsWith('deploy-') || id === 'env-wholesale-define' || id === 'env-exposed'

let core = null
/** The core, loaded on first use so that requiring a plugin never loads the .wasm by itself. */
function loadCore() {
  if (!core) {
    try {
      core = require('./index.js')
    } catch (err) {
      // no core, no judgement: fail closed with a reason a user can act on
      throw Object.assign(new Error(`secretgate could not load its scanning core (${String(err && err.message).split('\n')[0]}); reinstall the secretgate package`), { code: 'SECRETGATE_INTERNAL' })
    }
  }
  return core
}

/**
 * @typedef {Object} Asset one output file
 * @property {string} fileName   path relative to the output folder (`assets/index-3f2a.js`)
 * @property {string | Uint8Array} source
 * @property {object | string | null} [map]   the chunk's source map (object or JSON text)
 * @property {string} [file]     the path to show in findings (default: fileName)
 * @property {string} [kind]     core input kind override
 * @property {boolean} [server]  output that never reaches a browser (an SSR build)
 * @property {string} [origin]   where it came from, for messages ('publicDir', 'chunk', 'asset')
 */

/**
 * @typedef {Object} GateResult
 * @property {object[]} findings   core Finding shape (plus `server: true` on server output)
 * @property {{ file: string, code: string, message: string }[]} notes
 * @property {{ file: string, code: string, message: string }[]} errors   files that could not be judged
 * @property {{ files: number, bytes: number, ms: number, ignored: number, binary: number }} stats
 * @property {string | null} version
 * @property {string} failOn
 */

/**
 * A core Scanner for these known secrets and rule overrides. Rule ids the core does not know
 * (the plugins' own `env-wholesale-define`, the `deploy-*` checks) are applied by the gate, not
 * passed to the core.
 * @param {{ knownSecrets?: {name: string, value: string}[], rules?: Record<string, string> }} opts
 */
function createScanner({ knownSecrets = [], rules = {} } = {}) {
  // the first call into the core (the Scanner made here) is what compiles the .wasm
  return withBaselineWasm(() => makeScanner({ knownSecrets, rules }))
}

/**
 * The same Scanner, compiled with V8's default tiering: the CLI's worker threads scan many files
 * and profit from optimised code.
 */
function makeScanner({ knownSecrets = [], rules = {} } = {}) {
  const { Scanner, rules: coreRules } = loadCore()
  const overrides = Object.entries(rules || {})
  let known = null
  // the core's rule list is only needed to sort overrides (and costs ~5 ms of start-up to fetch)
  if (overrides.length > 0) {
    try {
      const list = typeof coreRules === 'function' ? coreRules() : coreRules
      if (Array.isArray(list)) known = new Set(list.map((r) => (typeof r === 'string' ? r : r.id)))
    } catch {}
  }
  const coreOverrides = {}
  for (const [id, level] of overrides) {
    if (GATE_RULE(id)) continue
    if (!known || known.has(id) || id === 'env-value') coreOverrides[id] = level
  }
  return new Scanner({ knownSecrets, rules: coreOverrides })
}

/**
 * Runs `make` (which compiles the .wasm when it is the process's first call into the core) with V8's
 * `--liftoff-only`, and restores the flag at once: the flag is read when a module is compiled,
 * so only the core's own module (compiled synchronously in between) stays on Liftoff, V8's
 * baseline tier; any WebAssembly compiled later in the build process tiers up as usual.
 * Why: a plugin scans once per build, and optimising the core's very large functions (the swc
 * parser) costs far more than it saves within one build: measured on a 2 MB Chart.js + Mapbox
 * bundle, start-up 100 ms instead of 270 and the first scan 620 ms instead of 1,200 (CPU time
 * 650 ms instead of 1,080), while a warm optimised scan is only ~25% faster (370 vs 460 ms).
 * SECRETGATE_WASM_TIERING=1 keeps V8's default tiering (long watch sessions may prefer it).
 */
function withBaselineWasm(make) {
  if (process.env.SECRETGATE_WASM_TIERING === '1') return make()
  let v8 = null
  try {
    v8 = require('node:v8')
    v8.setFlagsFromString('--liftoff-only')
  } catch {
    v8 = null
  }
  try {
    return make()
  } finally {
    if (v8) {
      try {
        v8.setFlagsFromString('--no-liftoff-only')
      } catch {}
    }
  }
}

// ---------------------------------------------------------------------------------------------
// scanning

function toBuffer(source) {
  if (typeof source === 'string') return Buffer.from(source, 'utf8')
  if (Buffer.isBuffer(source)) return source
  return Buffer.from(source.buffer, source.byteOffset, source.byteLength)
}

function mapText(map) {
  if (!map) return undefined
  if (typeof map === 'string') return map
  if (map instanceof Uint8Array) return toBuffer(map).toString('utf8')
  // rollup/rolldown SourceMap objects serialise themselves with toString()
  if (typeof map.toString === 'function' && map.toString !== Object.prototype.toString) return map.toString()
  return JSON.stringify(map)
}

const SERVER_NOTE = ' [server output: never sent to a browser, reported as a warning]'

/**
 * Scan output assets with one Scanner and apply everything the front ends share.
 *
 * @param {Asset[]} assets
 * @param {Object} opts
 * @param {object} opts.config   from loadConfig (ignore, rules, allow, failOn, serverOutput)
 * @param {{name: string, value: string}[]} [opts.knownSecrets]  the core's knownSecrets option
 * @param {(findings: object[]) => object[]} [opts.attribute]   per-file env attribution
 *   (EnvInfo#attribute from env.js); runs before the server policy and suppressions
 * @param {(findings: object[], asset: Asset, bytes: Buffer) => object[]} [opts.locate]   per-file:
 *   fills `original` where no map did (after attribution, so `envVar` is known; before the
 *   suppressions, so an `allow` entry naming the original file and inline ignore comments apply)
 * @param {object[]} [opts.extraFindings]   findings made outside the scan (env-wholesale-define)
 * @param {'warn' | 'fail'} [opts.server]   server output: 'warn' turns errors into warnings
 * @param {object} [opts.baseline]   a baseline from suppress.readBaseline
 * @param {object} [opts.scanner]    a Scanner to reuse (createScanner)
 * @param {Map<string, Buffer>} [opts.sources]   filled with each scanned file's bytes (for frames)
 * @returns {GateResult}
 */
function scanAssets(assets, { config = {}, knownSecrets = [], attribute = null, locate = null, extraFindings = [], server = 'warn', baseline = null, scanner = null, sources = null } = {}) {
  const started = performance.now()
  const findings = []
  const notes = []
  const errors = []
  const stats = { files: 0, bytes: 0, ms: 0, ignored: 0, binary: 0 }
  let sc = scanner
  const getScanner = () => sc || (sc = createScanner({ knownSecrets, rules: config.rules }))
  const ordered = assets.slice().sort((a, b) => ((a.file || a.fileName) < (b.file || b.fileName) ? -1 : 1))

  for (const asset of ordered) {
    const file = asset.file || asset.fileName
    if (matchAny(config.ignore || [], [asset.fileName, file])) {
      stats.ignored++
      continue
    }
    const bytes = toBuffer(asset.source)
    const isServer = !!asset.server || matchAny(config.serverOutput || [], [asset.fileName, file])
    let fileFindings = []
    const head = bytes.subarray(0, 8192)
    const binary = isBinary(asset.fileName, head)
    let serverSource = null
    stats.files++
    stats.bytes += bytes.length
    if (binary) {
      stats.binary++
      notes.push({ file, code: 'binary', message: 'binary file: not scanned' })
    } else {
      try {
        injectedFault(asset.fileName)
        const report = getScanner().scan(bytes, { file, kind: asset.kind || kindOf(asset.fileName), sourceMap: mapText(asset.map) })
        serverSource = report.serverSource || null
        fileFindings.push(...report.findings)
        for (const n of report.notes || []) notes.push(n)
        if (sources) sources.set(file, bytes)
      } catch (err) {
        // fail closed: a file the core could not judge is never "no findings"
        errors.push({ file, code: (err && err.code) || 'SECRETGATE_INTERNAL', message: errorMessage(err, file) })
        // the core replaced its instance: a Scanner made on the old one is not trusted again
        if (err && err.code === 'SECRETGATE_INTERNAL') sc = null
      }
    }
    // files that must never be deployed (.env, keys, credentials, maps of server code): the
    // CLI's checks
    const name = path.posix.basename(asset.fileName)
    fileFindings.unshift(...checkDeployFile({ file, rel: asset.fileName, name, text: binary ? null : () => bytes.toString('utf8'), serverSource }))
    if (attribute) fileFindings = attribute(fileFindings)
    if (locate && fileFindings.length > 0) fileFindings = locate(fileFindings, asset, bytes)
    if (isServer) fileFindings = fileFindings.map((f) => serverPolicy(f, server))
    findings.push(...fileFindings)
  }
  let all = applyRuleLevels([...findings, ...extraFindings.filter((f) => !matchAny(config.ignore || [], [f.file]))], coreUnknownRules(config.rules))
  all = applySuppressions(all, config, { baseline })
  // one finding per secret: the same key in a chunk and its map is one problem with two locations
  all = groupFindings(all)
  stats.ms = performance.now() - started
  let version = null
  let coreVersion = null
  try {
    const c = loadCore()
    version = typeof c.version === 'function' ? c.version() : c.version || null
    coreVersion = typeof c.coreVersion === 'function' ? c.coreVersion() : c.coreVersion || null
  } catch {}
  return { findings: all, notes, errors, stats, version, coreVersion, failOn: config.failOn || 'error' }
}

// Test-only fault injection (SECRETGATE_TEST_GATE_FAULT=internal:<file name>), the twin of the
// CLI worker's: the real core cannot be made to trap on purpose, and the suite must prove that a
// file the core could not judge fails the build instead of passing it.
function injectedFault(fileName) {
  const spec = process.env.SECRETGATE_TEST_GATE_FAULT
  if (!spec) return
  const [mode, target] = spec.split(':')
  if (mode === 'internal' && path.posix.basename(fileName) === target) {
    throw Object.assign(new Error(`secretgate internal error while scanning ${fileName} (injected)`), { code: 'SECRETGATE_INTERNAL' })
  }
}

/** The core applies rule levels to its own findings; these are the gate-made ones. */
function coreUnknownRules(rules) {
  const out = {}
  for (const [id, level] of Object.entries(rules || {})) if (GATE_RULE(id)) out[id] = level
  return out
}

function errorMessage(err, file) {
  const msg = String((err && err.message) || err).split('\n')[0]
  return msg.includes(file) ? msg : `${msg} (${file})`
}

function serverPolicy(f, server) {
  if (server === 'fail' || f.severity !== 'error') return { ...f, server: true }
  return { ...f, severity: 'warning', server: true, message: f.message + SERVER_NOTE }
}

/**
 * Merge several results (one per bundler environment or compiler) into one.
 * @param {GateResult[]} results
 * @returns {GateResult}
 */
function mergeResults(results) {
  const out = { findings: [], notes: [], errors: [], stats: { files: 0, bytes: 0, ms: 0, ignored: 0, binary: 0 }, version: null, failOn: 'error' }
  for (const r of results) {
    if (!r) continue
    out.findings.push(...r.findings)
    out.notes.push(...r.notes)
    out.errors.push(...r.errors)
    for (const k of Object.keys(out.stats)) out.stats[k] += (r.stats && r.stats[k]) || 0
    out.version = out.version || r.version
    out.coreVersion = out.coreVersion || r.coreVersion || null
    out.failOn = r.failOn || out.failOn
  }
  out.findings = groupFindings(out.findings)
  return out
}

// ---------------------------------------------------------------------------------------------
// the verdict and its presentation

/**
 * The findings that fail the build at the config's `failOn` (suppressed ones never do).
 * @param {GateResult} result
 * @returns {object[]}
 */
function failingFindings(result) {
  return result.findings.filter((f) => failsAt(f, result.failOn || 'error'))
}

/**
 * Should the build fail? Failing findings always fail it; files that could not be judged fail it
 * too (fail closed) unless `onError` is 'warn'.
 * @param {GateResult} result
 * @param {{ onError?: 'fail' | 'warn' }} [opts]
 * @returns {{ fail: boolean, findings: object[], errors: object[] }}
 */
function verdict(result, { onError = 'fail' } = {}) {
  const findings = failingFindings(result)
  const errors = onError === 'warn' ? [] : result.errors
  return { fail: findings.length > 0 || errors.length > 0, findings, errors }
}

/**
 * The CLI's human summary of a result (masked code frames from `sources`).
 * @param {GateResult} result
 * @param {{ color?: boolean, sources?: Map<string, Buffer> }} [opts]
 * @returns {string}
 */
function formatSummary(result, { color = false, sources = null } = {}) {
  const { formatHuman } = require('./report.js')
  return formatHuman(result, { color, sources })
}

/**
 * Normalise a plugin's `report` option: a path, or `{ format: 'json' | 'sarif', file }`.
 * @param {string | { format?: string, file?: string } | boolean | null | undefined} option
 * @param {string} root   where relative paths start
 * @returns {{ format: 'json' | 'sarif', file: string } | null}
 */
function resolveReportOption(option, root) {
  if (!option) return null
  let format
  let file
  if (option === true) file = 'secretgate-report.json'
  else if (typeof option === 'string') file = option
  else if (typeof option === 'object') ({ format, file } = option)
  if (!format) format = file && /\.sarif(?:\.json)?$/i.test(file) ? 'sarif' : 'json'
  if (format !== 'json' && format !== 'sarif') {
    throw new TypeError(`secretgate: report.format must be 'json' or 'sarif', got ${JSON.stringify(format)}`)
  }
  if (!file) file = format === 'sarif' ? 'secretgate-report.sarif' : 'secretgate-report.json'
  return { format, file: path.resolve(root, file) }
}

/**
 * Write a report file (json or SARIF). Only redacted values ever reach it.
 * @param {GateResult} result
 * @param {{ format: 'json' | 'sarif', file: string }} report
 */
function writeReport(result, report) {
  const { formatJson, formatSarif } = require('./report.js')
  const text = report.format === 'sarif' ? formatSarif(result) : formatJson(result)
  fs.mkdirSync(path.dirname(report.file), { recursive: true })
  fs.writeFileSync(report.file, text)
}

/**
 * A small code frame of an original source around `line`/`column`, with every fragment of the
 * given raw secret values masked by `*` (fragments of 4+ characters, so a key split across
 * string literals is masked too). Plain text, no ANSI codes: this is what Vite's overlay shows.
 * @param {string} text      the original source
 * @param {number} line      1-based
 * @param {number} column    1-based
 * @param {string[]} secrets raw values to mask (never printed)
 * @returns {string}
 */
function maskedFrame(text, line, column, secrets = []) {
  const lines = String(text).split(/\r?\n/)
  if (!(line >= 1 && line <= lines.length)) return ''
  const first = Math.max(1, line - 2)
  const last = Math.min(lines.length, line + 2)
  const width = String(last).length
  const out = []
  for (let n = first; n <= last; n++) {
    let shown = maskLine(lines[n - 1], secrets)
    let caretCol = column
    if (shown.length > 120) {
      // minified or long lines: a window around the column
      const from = n === line ? Math.max(0, column - 40) : 0
      shown = (from > 0 ? '…' : '') + shown.slice(from, from + 100) + (shown.length > from + 100 ? '…' : '')
      if (n === line) caretCol = column - from + (from > 0 ? 1 : 0)
    }
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${shown.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '\ufffd')}`)
    if (n === line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, caretCol - 1))}^`)
  }
  return out.join('\n')
}

function maskLine(lineText, secrets) {
  let out = lineText
  for (const raw of secrets) {
    if (!raw || raw.length < 4) continue
    if (out.includes(raw)) out = out.split(raw).join('*'.repeat(raw.length))
  }
  // fragments: runs of key-like characters that are part of a secret (a key split in two)
  return out.replace(/[A-Za-z0-9_\-+/=.:~%]{4,}/g, (tok) => {
    if (/^\*+$/.test(tok)) return tok
    for (const raw of secrets) if (raw && raw.length >= 4 && (raw.includes(tok) || tok.includes(raw))) return '*'.repeat(tok.length)
    return tok
  })
}

/** An inline ignore comment covering a line of a module (the core's syntax), or null. */
function ignoreCommentAt(text, line) {
  const lines = text.split('\n')
  const same = lines[line - 1] || ''
  const prev = line > 1 ? lines[line - 2] : ''
  const m1 = /secretgate-ignore-next-line\b\s*(.*?)\s*(?:\*\/)?\s*$/.exec(prev)
  if (m1) return { reason: m1[1], by: 'inline' }
  const m2 = /secretgate-ignore(?!-)\b\s*(.*?)\s*(?:\*\/.*)?$/.exec(same)
  if (m2) return { reason: m2[1], by: 'inline' }
  return null
}

module.exports = {
  createScanner,
  makeScanner,
  ignoreCommentAt,
  scanAssets,
  mergeResults,
  failingFindings,
  verdict,
  formatSummary,
  resolveReportOption,
  writeReport,
  maskedFrame,
  failsAt,
}
