'use strict'
// The Vite plugin (`secretgate/vite`): scans the final output of every build environment in
// `generateBundle` (after minification, before anything is written) plus the files Vite copies
// from `publicDir`, and fails the build through Vite's own error path when a secret would ship.
// In `vite serve` it scans modules as they are transformed and only warns.
//
// Vite 8 facts this file relies on (checked against vite 8.4 / rolldown, see docs/vite.md):
// - `vite:prepare-out-dir` empties outDir and copies publicDir in its `renderStart` (order 'pre'),
//   i.e. BEFORE generateBundle: so publicDir is scanned in our own earlier `renderStart`, and a
//   secret there stops the build before outDir is touched.
// - An error thrown from generateBundle means rolldown writes no chunk or asset.
// - Source maps are used when the user's config makes them, never turned on: maps for a whole
//   bundle cost rolldown and the minifier more than the scan itself (issue 7). Without a map a
//   finding is placed from `chunk.modules[id].code` (each module as rendered into the chunk) and
//   that module's own file, only when there is a finding.
// - Builder mode resolves the config once per environment, so hooks read `this.environment.config`
//   and keep state per environment, never in a single closure variable.
const fs = require('node:fs')
const path = require('node:path')
const { createRequire } = require('node:module')
const { pathToFileURL } = require('node:url')
const { loadConfig, validateConfig } = require('./config.js')
const envLib = require('./env.js')
const gate = require('./gate.js')
const { BINARY_EXTENSIONS, extensionOf } = require('./walk.js')

const PLUGIN_ONLY = ['report', 'dev', 'onError', 'server', 'config']

/**
 * @param {import('./vite').SecretgateViteOptions} [options]
 * @returns {import('vite').Plugin[]}
 */
function secretgate(options = {}) {
  const opts = normalizeOptions(options)
  const shared = {
    opts,
    /** environment -> per-build state */
    states: new WeakMap(),
    /** environment name -> its last result, for the report file */
    results: new Map(),
  }
  return [publicDirPlugin(shared), buildPlugin(shared), devPlugin(shared)]
}

function normalizeOptions(options) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError('secretgate(): options must be an object')
  }
  const overrides = {}
  for (const [k, v] of Object.entries(options)) if (!PLUGIN_ONLY.includes(k)) overrides[k] = v
  // typos fail at config time with the key named, not as a silently ignored option
  validateConfig(overrides, 'secretgate() options')
  const dev = options.dev === undefined || options.dev === true ? 'warn' : options.dev
  if (dev !== 'warn' && dev !== false) throw new TypeError(`secretgate(): "dev" must be 'warn' or false, got ${JSON.stringify(options.dev)}`)
  const onError = options.onError === undefined ? 'fail' : options.onError
  if (onError !== 'fail' && onError !== 'warn') throw new TypeError(`secretgate(): "onError" must be 'fail' or 'warn', got ${JSON.stringify(options.onError)}`)
  const server = options.server === undefined ? 'warn' : options.server
  if (server !== 'warn' && server !== 'fail') throw new TypeError(`secretgate(): "server" must be 'warn' or 'fail', got ${JSON.stringify(options.server)}`)
  const report = options.report
  if (report !== undefined && report !== null && report !== false && report !== true && typeof report !== 'string' &&
    (typeof report !== 'object' || Array.isArray(report))) {
    throw new TypeError("secretgate(): \"report\" must be a path or { format: 'json' | 'sarif', file }")
  }
  if (report && typeof report === 'object') gate.resolveReportOption(report, process.cwd()) // validates format
  if (options.config !== undefined && typeof options.config !== 'string') {
    throw new TypeError('secretgate(): "config" must be the path of a secretgate config file')
  }
  return { overrides, dev, onError, server, report, configFile: options.config }
}

// ---------------------------------------------------------------------------------------------
// per-environment state: the secretgate config, the env knowledge, one Scanner

async function prepareState(shared, environment) {
  const cfg = environment.config
  const root = cfg.root
  const config = await loadConfig({ cwd: root, configFile: shared.opts.configFile || null, overrides: shared.opts.overrides })
  const envInfo = await collectViteEnv(cfg, config)
  const configFile = cfg.configFile ? displayPath(cfg.configFile, root) : 'vite.config.js'
  const wholesale = envLib.wholesaleDefineFindings(cfg.define, {
    envNames: [...envInfo.vars.keys()].filter((n) => envInfo.vars.get(n).origin !== 'define'),
    file: cfg.configFile || configFile,
    definer: 'define',
  }).map((f) => ({ ...f, file: configFile }))
  const outDir = path.resolve(root, cfg.build.outDir)
  return {
    cfg,
    root,
    outDir,
    config,
    envInfo,
    wholesale,
    server: cfg.consumer === 'server',
    serverPolicy: shared.opts.server,
    scanner: null,
    publicResult: null,
    reportFile: shared.opts.report ? gate.resolveReportOption(shared.opts.report, root) : null,
  }
}

function warmUp(state) {
  try {
    const scanner = getScanner(state)
    for (const [file, text] of [['warm.js', 'export const a = "warm-up"'], ['warm.html', '<p>warm-up</p>'], ['warm.css', 'p{color:red}'], ['warm.txt', 'warm-up']]) {
      scanner.scan(text, { file })
    }
  } catch {
    // the real scan reports any problem
  }
}

function getScanner(state) {
  if (!state.scanner) state.scanner = gate.createScanner({ knownSecrets: state.envInfo.knownSecrets, rules: state.config.rules })
  return state.scanner
}

/** Vite's own loadEnv, from the Vite that runs this build (its `.env` rules, its expansion). */
async function viteLoadEnv(root) {
  let resolved
  try {
    resolved = createRequire(path.join(root, 'package.json')).resolve('vite')
  } catch {
    try {
      resolved = require.resolve('vite')
    } catch {
      return null
    }
  }
  try {
    const mod = await import(pathToFileURL(resolved).href)
    return typeof mod.loadEnv === 'function' ? mod.loadEnv : null
  } catch {
    return null
  }
}

function arraify(v) {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]
}

async function collectViteEnv(cfg, config) {
  const prefixes = arraify(cfg.envPrefix === undefined ? 'VITE_' : cfg.envPrefix).filter(Boolean)
  const envDir = cfg.envDir === false ? null : cfg.envDir || cfg.root
  let loaded = {}
  if (envDir) {
    const loadEnv = await viteLoadEnv(cfg.root)
    try {
      if (loadEnv) loaded = loadEnv(cfg.mode, envDir, '')
    } catch {
      loaded = {}
    }
  }
  const sources = []
  if (envDir) {
    // one source per .env file, so messages can say which file set a variable
    for (const file of envLib.envFilesForMode(cfg.mode, envDir)) {
      let text
      try {
        text = fs.readFileSync(file, 'utf8')
      } catch {
        continue
      }
      const vars = {}
      for (const [k, v] of Object.entries(envLib.parseDotenv(text))) vars[k] = typeof loaded[k] === 'string' && process.env[k] === undefined ? loaded[k] : v
      sources.push({ origin: path.basename(file), vars })
    }
  }
  // what Vite exposes through import.meta.env (the resolved values)
  const exposed = {}
  for (const [k, v] of Object.entries(cfg.env || {})) if (typeof v === 'string') exposed[k] = v
  sources.push({ origin: 'import.meta.env', vars: exposed })
  sources.push({ origin: 'process.env', vars: { ...process.env }, processEnv: true })
  return envLib.collectEnv({ sources, prefixes, publicEnv: config.publicEnv || [], define: cfg.define, definer: 'define' })
}

async function stateFor(shared, ctx) {
  const environment = ctx.environment
  let entry = shared.states.get(environment)
  if (!entry) {
    entry = prepareState(shared, environment)
    shared.states.set(environment, entry)
  }
  return entry
}

// ---------------------------------------------------------------------------------------------
// build: publicDir (before Vite copies it) and the bundle (before rolldown writes it)

function publicDirPlugin(shared) {
  return {
    name: 'secretgate:public-dir',
    apply: 'build',
    // before Vite's own plugins, so this renderStart runs before vite:prepare-out-dir copies
    enforce: 'pre',
    buildStart() {
      // a new build (or a watch rebuild): config and .env files are read again
      shared.states.delete(this.environment)
      // start early; the hooks await (and report) it. While rolldown parses and transforms on its
      // own threads the JS thread is mostly idle: warm the core up there (loading the .wasm and
      // its first scan of each kind cost a few hundred ms once per process)
      stateFor(shared, this).then((state) => setTimeout(() => warmUp(state), 0), () => {})
    },
    renderStart: {
      order: 'pre',
      // rollup (Vite 7) runs renderStart hooks in parallel: without this, vite:prepare-out-dir
      // would copy publicDir while this handler still awaits
      sequential: true,
      async handler() {
        const state = await stateFor(shared, this)
        if (state.publicDone) return
        state.publicDone = true
        const { cfg } = state
        if (!cfg.build.write || !cfg.build.copyPublicDir || !cfg.publicDir || cfg.isWorker) return
        const assets = readPublicDir(cfg.publicDir, state)
        if (assets.length === 0) return
        const sources = new Map()
        const result = runGate(state, assets, sources, [])
        for (const f of result.findings) {
          const a = assets.find((x) => x.file === f.file)
          if (a && !f.original) f.original = { file: a.sourceFile, line: f.line, column: f.column }
        }
        state.publicResult = result
        state.publicSources = sources
        const v = gate.verdict(result, { onError: shared.opts.onError })
        if (v.fail) {
          shared.results.set(`${this.environment.name}\0public`, result)
          finish(this, shared, state, result, sources, { stage: 'public' })
        }
      },
    },
  }
}

function readPublicDir(publicDir, state) {
  const out = []
  const walk = (dir) => {
    let entries
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      const abs = path.join(dir, e.name)
      let stat
      try {
        stat = fs.statSync(abs)
      } catch {
        continue
      }
      if (abs === state.outDir) continue
      if (stat.isDirectory()) walk(abs)
      else if (stat.isFile()) {
        const fileName = toPosix(path.relative(publicDir, abs))
        out.push({
          fileName,
          file: displayPath(path.join(state.outDir, fileName), state.root),
          // images, fonts, videos: judged by name only (the deploy checks), never read whole
          source: BINARY_EXTENSIONS.has(extensionOf(fileName)) ? Buffer.alloc(0) : fs.readFileSync(abs),
          server: state.server,
          origin: 'publicDir',
          sourceFile: displayPath(abs, state.root),
        })
      }
    }
  }
  walk(publicDir)
  return out
}

function buildPlugin(shared) {
  return {
    name: 'secretgate',
    apply: 'build',
    enforce: 'post',
    generateBundle: {
      order: 'post',
      async handler(outputOptions, bundle) {
        const environment = this.environment
        const state = await stateFor(shared, this)
        const assets = bundleToAssets(bundle, state)
        const sources = new Map()
        let result = runGate(state, assets, sources, state.wholesale, originalLocator(state, assets))
        if (state.publicResult) {
          result = gate.mergeResults([state.publicResult, result])
          for (const [k, v] of state.publicSources || []) sources.set(k, v)
          state.publicResult = null
        }
        // one entry per environment and output folder: a rebuild replaces its own entry
        shared.results.delete(`${environment.name}\0public`) // merged into this result
        shared.results.set(`${environment.name}\0${outputOptions.dir || outputOptions.file || ''}`, result)
        finish(this, shared, state, result, sources, { stage: 'bundle' })
      },
    },
  }
}

/**
 * The bundle as gate assets. A chunk brings the map the user's config made (none is forced: maps
 * for a whole bundle cost more than the scan) and its modules' rendered code, which places a
 * finding when there is no map.
 */
function bundleToAssets(bundle, state) {
  const assets = []
  // maps of files emitted as assets with their map beside them (worker bundles)
  const mapOf = new Map()
  for (const [fileName, item] of Object.entries(bundle)) {
    if (item.type === 'asset' && fileName.endsWith('.map') && bundle[fileName.slice(0, -4)]) mapOf.set(fileName.slice(0, -4), fileName)
  }
  for (const [fileName, item] of Object.entries(bundle)) {
    const file = displayPath(path.join(state.outDir, fileName), state.root)
    if (item.type === 'chunk') {
      const asset = {
        fileName,
        file,
        source: item.code,
        map: item.map || null,
        server: state.server,
        origin: 'chunk',
        moduleIds: item.moduleIds || Object.keys(item.modules || {}),
      }
      // read only to place a finding: rolldown builds every module's rendered code as a JS
      // string on first access (a 2 MB chunk: ~40 ms of the build's main thread)
      Object.defineProperty(asset, 'modules', {
        configurable: true,
        enumerable: true,
        get() {
          const modules = item.modules || null
          Object.defineProperty(asset, 'modules', { value: modules, enumerable: true })
          return modules
        },
      })
      assets.push(asset)
    } else {
      const mapAsset = mapOf.has(fileName) ? bundle[mapOf.get(fileName)] : null
      assets.push({
        fileName,
        file,
        source: item.source,
        map: mapAsset && mapAsset.type === 'asset' ? mapAsset.source : null,
        server: state.server,
        origin: 'asset',
        originalFileNames: item.originalFileNames || (item.originalFileName ? [item.originalFileName] : []),
      })
    }
  }
  return assets
}

function runGate(state, assets, sources, extraFindings, locate = null) {
  const result = gate.scanAssets(assets, {
    config: state.config,
    knownSecrets: state.envInfo.knownSecrets,
    scanner: getScanner(state),
    attribute: (findings) => state.envInfo.attribute(findings),
    locate,
    extraFindings,
    server: state.serverPolicy,
    sources,
  })
  // after an internal error the core replaced its instance: make a new Scanner next time
  if (result.errors.some((e) => e.code === 'SECRETGATE_INTERNAL')) state.scanner = null
  return result
}

/**
 * Makes every finding's `original` point at a project file (relative to the root), per asset as
 * the gate scans it (before suppressions: `allow` entries and ignore comments see the original):
 * - a map's source path is resolved;
 * - without a map, the chunk's modules as rendered (`chunk.modules[id].code`) say which module
 *   the value came from; that module's file holds the value as written, or the expression that
 *   put it there (`import.meta.env.X`, `process.env.X`, a `define` key);
 * - HTML, CSS and other assets: the value is looked for in the files the output was made from.
 * Only findings are placed, so a build with none reads no source file.
 */
function originalLocator(state, assets) {
  let modules = null
  const allModules = () => modules || (modules = assets.flatMap((a) => a.moduleIds || []))
  const textCache = new Map()
  const readText = (abs) => {
    if (!textCache.has(abs)) {
      let t = null
      try {
        if (fs.statSync(abs).size < 8 * 1024 * 1024) t = fs.readFileSync(abs, 'utf8')
      } catch {}
      textCache.set(abs, t)
    }
    return textCache.get(abs)
  }
  const place = (f, asset, bytes) => {
    if (f.original && f.original.file) return { ...f, original: { ...f.original, file: normalizeOriginal(f.original.file, asset, state) } }
    if (!(f.end > f.start) || f.end > bytes.length) return f
    const raw = bytes.subarray(f.start, f.end).toString('utf8')
    // 1. the module whose rendered code holds the value (node_modules included: the module says
    //    where it came from, so no other file is read)
    if (asset.modules && raw.length >= 4) {
      for (const [id, m] of Object.entries(asset.modules)) {
        if (!m || typeof m.code !== 'string' || !m.code.includes(raw)) continue
        const abs = cleanId(id, state.root)
        const text = abs ? readText(abs) : null
        if (!text) continue
        const at = findInOriginal(text, raw, f.envVar, state.cfg.define)
        return placedAt(f, displayPath(abs, state.root), text, at)
      }
    }
    // 2. the project's own files the output was made from (a stylesheet is a module of the chunk
    //    that imports it; a minifier may have joined a value from pieces no module holds whole)
    const candidates = [...new Set((asset.originalFileNames || []).concat(asset.moduleIds || [], allModules()))].filter((id) => !id.includes('node_modules'))
    for (const id of candidates) {
      const abs = cleanId(id, state.root)
      const text = abs ? readText(abs) : null
      if (!text) continue
      const at = findInOriginal(text, raw, f.envVar, state.cfg.define)
      if (at !== -1) return placedAt(f, displayPath(abs, state.root), text, at)
    }
    // 3. an asset a module points at by URL, bundled on its own (a web worker): the files that
    //    module names by relative path
    const base = path.posix.basename(asset.fileName)
    for (const other of assets) {
      for (const [id, m] of Object.entries(other.modules || {})) {
        if (!m || typeof m.code !== 'string' || !m.code.includes(base)) continue
        const abs = cleanId(id, state.root)
        const text = abs ? readText(abs) : null
        if (!text) continue
        for (const target of relativeSpecifiers(text, abs)) {
          const targetText = readText(target)
          const at = targetText ? findInOriginal(targetText, raw, f.envVar, state.cfg.define) : -1
          if (at !== -1) return placedAt(f, displayPath(target, state.root), targetText, at)
        }
      }
    }
    return f
  }
  return (findings, asset, bytes) => findings.map((f) => {
    try {
      return place(f, asset, bytes)
    } catch {
      return f
    }
  })
}

/**
 * Where `text` (an original source file) holds a finding: the value as written, else the first
 * expression that inlines it: `import.meta.env.NAME`, `process.env.NAME`, or a `define` key whose
 * value holds it. -1 when none is there.
 */
function findInOriginal(text, raw, envVar, define) {
  let at = raw.length >= 4 ? text.indexOf(raw) : -1
  if (at !== -1) return at
  const keys = []
  if (envVar) keys.push(`import.meta.env.${envVar}`, `process.env.${envVar}`)
  for (const [key, value] of Object.entries(define || {})) {
    if (typeof value === 'string' && raw.length >= 4 && value.includes(raw)) keys.push(key)
  }
  for (const key of keys) {
    at = envLib.indexOfExpression(text, key)
    if (at !== -1) return at
  }
  if (envVar) {
    const m = new RegExp(`import\\.meta\\.env\\[\\s*['"\`]${envVar}['"\`]\\s*\\]`).exec(text)
    if (m) return m.index
  }
  return -1
}

/** The files a module names by relative path (`./worker.js`, `'../lib/x'`), that exist. */
function relativeSpecifiers(text, abs) {
  const out = new Set()
  const re = /(['"`])(\.{1,2}\/[^'"`\n]+)\1/g
  let m
  while ((m = re.exec(text)) !== null) {
    const target = path.resolve(path.dirname(abs), m[2].split('?')[0])
    for (const candidate of [target, ...['.js', '.ts', '.mjs', '.jsx', '.tsx'].map((ext) => target + ext)]) {
      try {
        if (fs.statSync(candidate).isFile()) {
          out.add(candidate)
          break
        }
      } catch {}
    }
  }
  return out
}

/**
 * A finding placed in an original file: at `at`, or the file only (line 1) when -1. A value that
 * opens a string literal is placed at its quote, where a source map places the literal: a build
 * gives the same location with and without maps.
 */
function placedAt(f, file, text, at) {
  if (at > 0 && /['"`]/.test(text[at - 1])) at -= 1
  const loc = at === -1 ? { line: 1, column: 1 } : lineOf(text, null, at)
  // the minifier dropped the comments; the original still has them
  const ignored = at === -1 ? null : gate.ignoreCommentAt(text, loc.line)
  return { ...f, original: { file, ...loc }, suppressed: f.suppressed || ignored }
}

function cleanId(id, root) {
  if (!id || id.startsWith('\0') || id.startsWith('virtual:')) return null
  const clean = id.split('?')[0]
  if (path.isAbsolute(clean)) return clean
  return path.resolve(root, clean)
}

function normalizeOriginal(file, asset, state) {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(file) && !/^[a-zA-Z]:[\\/]/.test(file)) {
    if (file.startsWith('file://')) return displayPath(new URL(file).pathname, state.root)
    return file
  }
  if (file.startsWith('\0')) return file
  const abs = path.isAbsolute(file) ? file : path.resolve(path.dirname(path.join(state.outDir, asset.fileName)), file)
  if (!path.isAbsolute(file) && !fs.existsSync(abs)) {
    // not relative to the map: maybe already relative to the root
    const fromRoot = path.resolve(state.root, file)
    if (fs.existsSync(fromRoot)) return displayPath(fromRoot, state.root)
  }
  return displayPath(abs, state.root)
}

// ---------------------------------------------------------------------------------------------
// reporting and failing

function useColor() {
  return !!process.stderr.isTTY && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb'
}

function finish(ctx, shared, state, result, sources, { stage }) {
  const environment = ctx.environment
  const logger = environment.logger || state.cfg.logger
  const report = state.reportFile
  if (report) {
    try {
      gate.writeReport(gate.mergeResults([...shared.results.values()]), report)
    } catch (err) {
      logger.warn(`secretgate: could not write the report ${report.file}: ${err.message}`)
    }
  }
  const v = gate.verdict(result, { onError: shared.opts.onError })
  const visible = result.findings.filter((f) => !f.suppressed)
  const label = environment.name === 'client' ? '' : ` [${environment.name}]`
  if (v.fail || visible.some((f) => f.severity !== 'info') || result.errors.length > 0) {
    const text = gate.formatSummary(result, { color: useColor(), sources })
    if (v.fail) logger.error(`\nsecretgate${label}:\n${text}`)
    else logger.warn(`\nsecretgate${label}:\n${text}`)
  } else {
    const { summaryLine } = require('./report.js')
    logger.info(summaryLine(result) + label)
  }
  if (!v.fail) return
  ctx.error(buildError(v, result, state, sources, stage, environment))
}

function buildError(v, result, state, sources, stage, environment) {
  const secrets = rawSecrets(result, sources, state)
  if (v.findings.length === 0) {
    const e = v.errors[0]
    return {
      message: `secretgate could not judge ${v.errors.length === 1 ? e.file : `${v.errors.length} files (first: ${e.file})`}: ${e.message}. ` +
        "The build fails closed; set onError: 'warn' to build anyway.",
      id: path.resolve(state.root, e.file),
      plugin: 'secretgate',
    }
  }
  const f = v.findings[0]
  const where = f.original && f.original.file ? f.original : { file: f.file, line: f.line, column: f.column }
  const abs = path.isAbsolute(where.file) ? where.file : path.resolve(state.root, where.file)
  let frame = ''
  const text = readMaybe(abs)
  if (text !== null) frame = gate.maskedFrame(text, where.line, where.column, secrets)
  else if (sources.get(f.file)) frame = gate.maskedFrame(sources.get(f.file).toString('utf8'), f.line, f.column, secrets)
  const more = v.findings.length - 1
  const shipsIn = where === f.original ? ` (ships in ${f.file}:${f.line}:${f.column})` : ''
  const { cfg } = state
  const outRel = displayPath(state.outDir, state.root)
  const publicRel = cfg.publicDir ? displayPath(cfg.publicDir, state.root) : null
  const publicCopied = publicRel && cfg.build.copyPublicDir && fs.existsSync(cfg.publicDir)
  let stop
  if (stage === 'public') stop = `the build stopped before Vite emptied ${outRel}/ or copied ${publicRel}/ into it`
  else if (!cfg.build.write) stop = 'the bundle was not handed back'
  else stop = `none of the bundle's files were written to ${outRel}/${publicCopied ? ` (it holds only the files Vite copied from ${publicRel}/, checked before the copy)` : ''}`
  const message = [
    `${f.ruleId}: ${f.message}${f.secret ? ` [${f.secret}]` : ''}${shipsIn}`,
    more > 0 ? `and ${more} more finding${more === 1 ? '' : 's'} that fail${more === 1 ? 's' : ''} the build (listed above)` : null,
    v.errors.length ? `and ${v.errors.length} file${v.errors.length === 1 ? '' : 's'} secretgate could not judge` : null,
    `secretgate stopped the ${environment.name} build: ${stop}.`,
  ].filter(Boolean).join('\n')
  return {
    message,
    id: abs,
    loc: { file: abs, line: where.line, column: where.column },
    frame,
    plugin: 'secretgate',
  }
}

function rawSecrets(result, sources, state) {
  const out = new Set(state.envInfo.secrets.map((s) => s.value))
  for (const f of result.findings) {
    const bytes = sources.get(f.file)
    if (bytes && f.end > f.start && f.end <= bytes.length) out.add(bytes.subarray(f.start, f.end).toString('utf8'))
  }
  return [...out].filter((s) => s.length >= 4)
}

function readMaybe(abs) {
  try {
    return fs.readFileSync(abs, 'utf8')
  } catch {
    return null
  }
}

function toPosix(p) {
  return p.split(path.sep).join('/')
}

function displayPath(abs, root) {
  const rel = path.relative(root, abs)
  return toPosix(rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs)
}

// ---------------------------------------------------------------------------------------------
// dev: scan modules as the dev server transforms them; warn, never block

function devPlugin(shared) {
  const warned = new Set()
  let devState = null
  const prepareDev = (server) => {
    if (!devState) {
      const environment = { config: server.config, name: 'client' }
      devState = prepareState(shared, environment).catch((err) => {
        server.config.logger.warn(`secretgate (dev): disabled: ${err.message}`)
        return null
      })
    }
    return devState
  }
  const warn = (logger, result) => {
    const fresh = result.findings.filter((f) => {
      if (f.suppressed || f.severity === 'info') return false
      const key = `${f.original ? `${f.original.file}:${f.original.line}` : `${f.file}:${f.line}`}:${f.ruleId}:${f.fingerprint}`
      if (warned.has(key)) return false
      warned.add(key)
      return true
    })
    if (fresh.length === 0) return
    // the dev server never blocks: findings keep their severity (an error is what will fail
    // `vite build`), and all of it goes out as a warning
    const text = gate.formatSummary({ ...result, findings: fresh, notes: [], errors: [] }, { color: useColor() })
    logger.warn(`\nsecretgate (dev server: reported only, nothing is blocked; \`vite build\` fails on the errors):\n${text}`)
  }
  return {
    name: 'secretgate:dev',
    // not under Vitest: test files hold fake keys on purpose, and nothing there ships
    apply: (_config, { command, mode }) => command === 'serve' && shared.opts.dev !== false && !process.env.VITEST && mode !== 'test',
    configureServer(server) {
      // the exposed secrets and the public folder, once at start
      prepareDev(server).then((state) => {
        if (!state) return
        try {
          const findings = exposedSecretFindings(state)
          const assets = state.cfg.publicDir ? readPublicDir(state.cfg.publicDir, { ...state, outDir: state.cfg.publicDir }) : []
          for (const a of assets) a.file = a.sourceFile
          const result = runGate({ ...state, server: false }, assets, new Map(), findings)
          warn(server.config.logger, result)
        } catch (err) {
          server.config.logger.warn(`secretgate (dev): ${err.message}`)
        }
      })
    },
    transformIndexHtml: {
      order: 'post',
      async handler(html, ctx) {
        const logger = ctx.server ? ctx.server.config.logger : null
        try {
          const state = ctx.server ? await prepareDev(ctx.server) : null
          if (!state || !logger) return html
          const file = displayPath(ctx.filename, state.root)
          const result = gate.scanAssets([{ fileName: file, file, source: html, kind: 'html' }], {
            config: state.config,
            knownSecrets: state.envInfo.knownSecrets,
            scanner: getScanner(state),
            attribute: (findings) => state.envInfo.attribute(findings),
          })
          // the served page has Vite's client script injected: point at the file on disk
          const original = readMaybe(ctx.filename)
          const bytes = Buffer.from(html)
          for (const f of result.findings) {
            const at = original && f.end > f.start ? original.indexOf(bytes.subarray(f.start, f.end).toString('utf8')) : -1
            if (at !== -1) f.original = { file, ...lineOf(original, null, at) }
          }
          warn(logger, result)
        } catch (err) {
          if (logger) logger.warn(`secretgate (dev): could not scan ${ctx.filename}: ${String(err && err.message).split('\n')[0]}`)
        }
        return html
      },
    },
    transform: {
      order: 'post',
      async handler(code, id) {
        if (this.environment && this.environment.config.consumer === 'server') return null
        if (id.startsWith('\0') || id.includes('/node_modules/') || id.includes('/.vite/')) return null
        const logger = this.environment ? this.environment.logger : null
        try {
          const server = { config: this.environment ? this.environment.config : null }
          const state = await (devState || prepareDev(server))
          if (!state || !logger) return null
          const file = displayPath(cleanId(id, state.root) || id, state.root)
          // Vite's dev server prepends `import.meta.env = {...every exposed variable...}` to a
          // module: that is reported once at startup (exposedSecretFindings), not per module.
          const injected = /^import\.meta\.env = \{[^\n]*?\};/.exec(code)
          const skipUntil = injected ? Buffer.byteLength(injected[0]) : 0
          let map = null
          try {
            map = this.getCombinedSourcemap()
          } catch {}
          // after the dev transforms every module is JavaScript (CSS too); the core falls back to
          // text for anything that does not parse
          const kind = 'js'
          const result = gate.scanAssets([{ fileName: file, file, source: code, map, kind }], {
            config: state.config,
            knownSecrets: state.envInfo.knownSecrets,
            scanner: getScanner(state),
            attribute: (findings) => state.envInfo.attribute(findings.filter((f) => f.start >= skipUntil)),
          })
          const refs = envReferenceFindings(state, code, file, id)
          warn(logger, { ...result, findings: result.findings.concat(refs) })
        } catch (err) {
          if (logger) logger.warn(`secretgate (dev): could not scan ${id}: ${String(err && err.message).split('\n')[0]}`)
        }
        return null
      },
    },
  }
}

/** Startup warnings: each secret-looking variable that the env prefix exposes to the browser. */
function exposedSecretFindings(state) {
  const out = []
  for (const v of state.envInfo.vars.values()) {
    if (!v.secret || v.skip || !v.exposures.some((e) => e.via === 'prefix')) continue
    const envFile = v.origin && v.origin.startsWith('.env') ? path.join(state.cfg.envDir || state.root, v.origin) : null
    const loc = envFile ? lineOf(readMaybe(envFile) || '', new RegExp(`^\\s*(?:export\\s+)?${v.name}\\s*=`, 'm')) : { line: 1, column: 1 }
    out.push(syntheticFinding('env-exposed', envFile ? displayPath(envFile, state.root) : v.origin, loc, v.name,
      `${state.envInfo.describe(v.name)} (the dev server sends it to the browser now; \`vite build\` will fail)`))
  }
  return out
}

/** `import.meta.env.NAME` of an exposed secret in a module's code: where the secret is used. */
function envReferenceFindings(state, code, file, id) {
  const out = []
  const abs = cleanId(id, state.root)
  const original = (abs && readMaybe(abs)) || code
  const re = /import\.meta\.env(?:\.([A-Za-z_$][\w$]*)|\[\s*['"]([^'"]+)['"]\s*\])/g
  let m
  while ((m = re.exec(original)) !== null) {
    const name = m[1] || m[2]
    const v = state.envInfo.vars.get(name)
    if (!v || !v.secret || v.skip || !v.exposures.some((e) => e.via === 'prefix')) continue
    const loc = lineOf(original, null, m.index)
    out.push(syntheticFinding('env-exposed', file, loc, name, state.envInfo.describe(name)))
  }
  return out
}

function lineOf(text, re, index) {
  let at = index
  if (re) {
    const m = re.exec(text)
    at = m ? m.index + m[0].search(/\S/) : 0
  }
  const before = text.slice(0, at)
  return { line: before.split('\n').length, column: at - before.lastIndexOf('\n') }
}

function syntheticFinding(ruleId, file, loc, envVar, message) {
  return {
    ruleId,
    provider: 'secretgate',
    severity: 'warning',
    kind: 'secret',
    message,
    file,
    line: loc.line,
    column: loc.column,
    endLine: loc.line,
    endColumn: loc.column,
    start: 0,
    end: 0,
    secret: '',
    fingerprint: require('node:crypto').createHash('sha256').update(`${ruleId}\0${envVar}`).digest('hex').slice(0, 16),
    context: null,
    call: null,
    envVar,
    original: null,
    suppressed: null,
  }
}

module.exports = secretgate
module.exports.default = secretgate
module.exports.secretgate = secretgate
