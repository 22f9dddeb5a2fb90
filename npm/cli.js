#!/usr/bin/env node
'use strict'
// The `secretgate` command: scans built output folders (default `dist`) for secrets and for files
// that must never be deployed, in parallel, and fits CI: exit 0 (clean), 1 (findings at or above
// the fail level), 2 (usage or I/O error, or a file that could not be judged). It only reads the
// scanned tree; the one thing it writes is what it is asked to (--output, --write-baseline).
const fs = require('node:fs')
const path = require('node:path')
const zlib = require('node:zlib')
const { loadConfig, ConfigError, applyRuleLevels, failsAt, describeValue, shownName } = require('./config.js')
const { walk, extensionOf, displayPath } = require('./walk.js')
const { startPool, defaultJobs } = require('./pool.js')
const { gitFolderFinding, DEPLOY_RULES } = require('./deploy-check.js')
const { applySuppressions, readBaseline, writeBaseline, staleBaselineEntries } = require('./suppress.js')
const report = require('./report.js')
const { groupFindings } = require('./group.js')

const pkg = require('../package.json')

const FORMATS = ['human', 'json', 'sarif', 'github']
const PLUGIN_RULE_IDS = ['env-value', 'env-wholesale-define']
const LEVELS = ['error', 'warning', 'info']

const HELP = `Usage: secretgate [paths...] [options]

Scan built front-end output (default: dist) for secret API keys and for files that must never be
deployed (.env, private keys, credentials files, .git folders, server source maps).

Options:
  -f, --format <fmt>          human | json | sarif | github (default: human)
  -o, --output <file>         write the report to <file>; the terminal gets the human report
      --fail-on <level>       error | warning | info: exit 1 on findings at or above (default: error)
  -c, --config <file>         config file (default: secretgate.config.{json,mjs,js} found upward)
      --baseline <file>       accept the findings listed in this baseline
      --write-baseline <file> write a baseline of the current findings (fingerprints only)
  -j, --jobs <n>              worker threads (default: number of CPUs, here ${defaultJobs()})
      --no-color              no colours (also when NO_COLOR is set or output is not a terminal)
      --color                 colours even when output is not a terminal
  -q, --quiet                 print only the summary line and errors
      --show-secrets          print secret values unredacted (refused when CI is set, unless --force)
      --force                 allow --show-secrets under CI
  -v, --version               print the version
  -h, --help                  print this help

Exit status: 0 no finding at or above the fail level, 1 findings at or above it,
2 usage or I/O error, or a file that could not be judged.
Docs: docs/cli.md`

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = {
    paths: [], format: null, output: null, failOn: null, config: null, baseline: null, writeBaseline: null,
    jobs: null, color: null, quiet: false, showSecrets: false, force: false, help: false, version: false,
  }
  const valueFlags = {
    '--format': 'format', '-f': 'format', '--output': 'output', '-o': 'output', '--fail-on': 'failOn',
    '--config': 'config', '-c': 'config', '--baseline': 'baseline', '--write-baseline': 'writeBaseline',
    '--jobs': 'jobs', '-j': 'jobs',
  }
  const boolFlags = {
    '--no-color': ['color', false], '--color': ['color', true], '--quiet': ['quiet', true], '-q': ['quiet', true],
    '--show-secrets': ['showSecrets', true], '--force': ['force', true], '--help': ['help', true], '-h': ['help', true],
    '--version': ['version', true], '-v': ['version', true],
  }
  let onlyPaths = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (onlyPaths || arg === '-' || !arg.startsWith('-')) {
      opts.paths.push(arg)
      continue
    }
    if (arg === '--') { onlyPaths = true; continue }
    const eq = arg.indexOf('=')
    const name = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg
    if (valueFlags[name]) {
      let value
      if (name !== arg) value = arg.slice(eq + 1)
      else {
        if (i + 1 >= argv.length) throw new UsageError(`${name} needs a value`)
        value = argv[++i]
      }
      if (value === '') throw new UsageError(`${name} needs a value`)
      opts[valueFlags[name]] = value
    } else if (boolFlags[name] && name === arg) {
      const [key, v] = boolFlags[name]
      opts[key] = v
    } else {
      throw new UsageError(`unknown option ${name} (see --help)`)
    }
  }
  if (opts.format !== null && !FORMATS.includes(opts.format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(opts.format)}`)
  }
  if (opts.failOn !== null && !LEVELS.includes(opts.failOn)) {
    throw new UsageError(`--fail-on must be one of ${LEVELS.join(', ')}, got ${describeValue(opts.failOn)}`)
  }
  if (opts.jobs !== null) {
    if (!/^[1-9][0-9]*$/.test(opts.jobs) || Number(opts.jobs) > 256) throw new UsageError(`--jobs must be a whole number from 1 to 256, got ${JSON.stringify(opts.jobs)}`)
    opts.jobs = Number(opts.jobs)
  }
  return opts
}

function oneLine(err) {
  return String((err && err.message) || err).split('\n')[0]
}

function loadCore() {
  return require('./index.js')
}

function coreVersion(core) {
  try {
    const v = core.coreVersion || core.version
    return typeof v === 'function' ? v() : v || null
  } catch {
    return null
  }
}

function coreRules(core) {
  try {
    const list = typeof core.rules === 'function' ? core.rules() : core.rules
    return Array.isArray(list) ? list : list && typeof list === 'object' ? Object.values(list) : []
  } catch {
    return []
  }
}

/** Read a file's text for code frames (decompressing precompressed assets like the worker does). */
function readForFrame(abs) {
  try {
    const st = fs.statSync(abs)
    if (st.size > 64 * 1024 * 1024) return null
    let buf = fs.readFileSync(abs)
    const ext = extensionOf(abs)
    if (ext === 'gz' || ext === 'br') {
      try {
        buf = ext === 'gz' ? zlib.gunzipSync(buf) : zlib.brotliDecompressSync(buf)
      } catch {}
    }
    return buf
  } catch {
    return null
  }
}

function isCi(env) {
  const v = env.CI
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false'
}

function wantsColor(opts, stream, env) {
  if (opts.color === false) return false
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (opts.color === true) return true
  return Boolean(stream.isTTY)
}

function progressReporter(opts, stderr) {
  if (opts.quiet || !stderr.isTTY) return { update() {}, clear() {} }
  const started = Date.now()
  let shown = false
  let last = 0
  return {
    update(done, total) {
      const now = Date.now()
      if (now - started < 1000 || now - last < 100) return
      last = now
      shown = true
      stderr.write(`\r\x1b[Ksecretgate: scanning ${done}/${total} files\u2026`)
    },
    clear() {
      if (shown) stderr.write('\r\x1b[K')
    },
  }
}

async function main(argv, { cwd = process.cwd(), env = process.env, stdout = process.stdout, stderr = process.stderr } = {}) {
  const started = Date.now()
  const fail = (msg) => {
    stderr.write(`secretgate: ${msg}\n`)
    return 2
  }
  let opts
  try {
    opts = parseArgs(argv)
  } catch (err) {
    if (err instanceof UsageError) return fail(err.message)
    throw err
  }
  if (opts.help) {
    stdout.write(HELP + '\n')
    return 0
  }
  if (opts.version) {
    let line = `secretgate ${pkg.version}`
    try {
      const v = coreVersion(loadCore())
      if (v && v !== pkg.version) line += ` (core ${v})`
    } catch {}
    stdout.write(line + '\n')
    return 0
  }
  if (opts.showSecrets && isCi(env) && !opts.force) {
    return fail('refusing --show-secrets under CI (secrets would land in build logs); add --force to insist')
  }

  let config
  try {
    config = await loadConfig({ cwd, configFile: opts.config, overrides: opts.failOn ? { failOn: opts.failOn } : {} })
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message)
    return fail(`cannot load config: ${oneLine(err)}`)
  }

  const progress = progressReporter(opts, stderr)
  // the threads start loading their cores while this thread checks the rest and walks the folders
  const pool = startPool({
    jobs: opts.jobs || defaultJobs(),
    workerData: { cwd, rules: config.rules, showSecrets: opts.showSecrets },
    onProgress: (done, total) => progress.update(done, total),
  })
  const failEarly = (msg) => {
    pool.close()
    return fail(msg)
  }

  let core
  try {
    core = loadCore()
  } catch (err) {
    return failEarly(`cannot load the scanner core: ${oneLine(err)}`)
  }
  const rulesMeta = [...coreRules(core), ...DEPLOY_RULES]
  // the same config file serves the plugins: their own rule ids are valid here too
  const knownIds = new Set([...rulesMeta.map((r) => r && (r.id || r.ruleId)).filter(Boolean), ...PLUGIN_RULE_IDS])
  if (knownIds.size > DEPLOY_RULES.length + PLUGIN_RULE_IDS.length) {
    for (const id of Object.keys(config.rules)) {
      if (!knownIds.has(id)) return failEarly(`${config.configPath || 'config'}: "rules.${shownName(id)}" is not a known rule id (see docs/rules.md)`)
    }
  }

  let baseline = null
  if (opts.baseline) {
    try {
      baseline = readBaseline(path.resolve(cwd, opts.baseline))
    } catch (err) {
      return failEarly(oneLine(err))
    }
  }

  const paths = opts.paths.length ? opts.paths : ['dist']
  for (const p of paths) {
    try {
      fs.statSync(path.resolve(cwd, p))
    } catch (err) {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
        return failEarly(`no such file or folder: ${p}${opts.paths.length ? '' : ' (pass the build output folder as an argument)'}`)
      }
      return failEarly(`cannot read ${p} (${err.code || oneLine(err)})`)
    }
  }

  const outputAbs = opts.output ? path.resolve(cwd, opts.output) : null
  const writeBaselineAbs = opts.writeBaseline ? path.resolve(cwd, opts.writeBaseline) : null
  const configRoot = config.configPath ? path.dirname(config.configPath) : cwd

  let walked
  try {
    walked = walk(paths, {
      cwd, configRoot, ignore: config.ignore, serverOutput: config.serverOutput,
      exclude: [outputAbs, writeBaselineAbs].filter(Boolean),
    })
  } catch (err) {
    pool.close()
    return fail(`cannot read ${paths.join(', ')} (${err.code || oneLine(err)})`)
  }

  const tasks = walked.files.map((f) => ({ path: f.path, display: f.display, rel: f.rel, size: f.size, roots: walked.roots }))
  let results
  try {
    results = await pool.run(tasks)
  } catch (err) {
    return fail(oneLine(err))
  } finally {
    progress.clear()
  }

  let findings = walked.gitDirs.map((d) => gitFolderFinding({ file: d.display, rel: d.rel }))
  const notes = walked.notes.slice()
  const errors = walked.errors.slice()
  let bytes = 0
  let binary = 0
  for (const r of results) {
    if (r.error) { errors.push(r.error); continue }
    findings.push(...r.findings)
    notes.push(...r.notes)
    bytes += (r.stats && r.stats.bytes) || 0
    if (r.binary) binary++
  }
  if (walked.files.length === 0 && walked.gitDirs.length === 0 && errors.length === 0) {
    notes.push({ file: paths.join(', '), code: 'empty', message: 'no files to scan (is this the build output folder?)' })
  }
  findings = applyRuleLevels(findings, config.rules)
  findings = applySuppressions(findings, config, { baseline })

  let baselineWritten = null
  if (writeBaselineAbs) {
    try {
      baselineWritten = writeBaseline(writeBaselineAbs, findings)
    } catch (err) {
      return fail(`cannot write baseline ${opts.writeBaseline} (${err.code || oneLine(err)})`)
    }
    // the baseline just written accepts what it lists
    findings = applySuppressions(findings.map((f) => (f.suppressed && f.suppressed.by === 'baseline' ? { ...f, suppressed: null } : f)),
      config, { baseline: readBaseline(writeBaselineAbs) })
  }
  if (baseline) {
    for (const e of staleBaselineEntries(baseline, findings)) {
      notes.push({
        file: displayPath(baseline.file, cwd),
        code: 'baseline-stale',
        message: `stale baseline entry: ${e.ruleId || 'finding'} ${e.secret || ''} in ${e.file || '?'} (fingerprint ${String(e.fingerprint).slice(0, 12)}) matches no finding any more; remove it`,
      })
    }
  }

  findings.sort(report.compareFindings)
  // one finding per secret: a bundle and its map, or two chunks, are locations of the same one
  findings = groupFindings(findings)
  const byFileCode = (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  notes.sort(byFileCode)
  errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))

  const result = {
    findings,
    notes,
    errors,
    version: pkg.version,
    coreVersion: coreVersion(core),
    failOn: config.failOn,
    rules: rulesMeta,
    stats: {
      files: walked.files.length,
      scanned: walked.files.length - binary - results.filter((r) => r.error).length,
      binary,
      bytes,
      ignored: walked.stats.ignored,
      serverOutput: walked.stats.serverOutput,
      jobs: Math.max(1, Math.min(opts.jobs || defaultJobs(), tasks.length)),
      ms: Date.now() - started,
    },
  }

  const format = opts.format || 'human'
  const needsSources = format === 'human' || opts.output
  let sources = null
  if (needsSources) {
    sources = new Map()
    const absByDisplay = new Map(walked.files.map((f) => [f.display, f.path]))
    for (const f of findings) {
      if (f.suppressed || sources.has(f.file) || !absByDisplay.has(f.file)) continue
      const buf = readForFrame(absByDisplay.get(f.file))
      if (buf) sources.set(f.file, buf)
    }
  }
  const render = (fmt, color) => {
    switch (fmt) {
      case 'json': return report.formatJson(result)
      case 'sarif': return report.formatSarif(result)
      case 'github': return report.formatGithub(result)
      default: return report.formatHuman(result, { color, sources, quiet: opts.quiet })
    }
  }

  const stdoutColor = wantsColor(opts, stdout, env)
  if (outputAbs) {
    try {
      fs.mkdirSync(path.dirname(outputAbs), { recursive: true })
      fs.writeFileSync(outputAbs, render(format, false))
    } catch (err) {
      return fail(`cannot write ${opts.output} (${err.code || oneLine(err)})`)
    }
    stdout.write(render('human', stdoutColor))
  } else {
    stdout.write(render(format, stdoutColor))
  }
  if (baselineWritten !== null && !opts.quiet) {
    stderr.write(`secretgate: wrote ${baselineWritten} baseline entr${baselineWritten === 1 ? 'y' : 'ies'} to ${opts.writeBaseline}\n`)
  }

  if (errors.length) return 2
  return findings.some((f) => failsAt(f, config.failOn)) ? 1 : 0
}

module.exports = { main, parseArgs }

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (err) => {
      process.stderr.write(`secretgate: internal error: ${oneLine(err)}\n`)
      process.exitCode = 2
    },
  )
}
