'use strict'
// secretgate/webpack: the webpack 5 (and Rspack) plugin, the gate. After every other plugin has
// produced its assets (minified chunks, html-webpack-plugin pages, copied files, extracted CSS,
// source maps) it scans every asset with the core, names the env variable behind each finding
// (DefinePlugin, EnvironmentPlugin, webpack's `dotenv`, `.env*` files, process.env), and fails the
// compilation the webpack way: a WebpackError per finding in `compilation.errors`. A failing
// compilation writes no file at all, in every mode and whatever `optimization.emitOnErrors` says.
//
// The bundler-neutral parts live in env.js (environment), gate.js (scan + policy), config.js,
// suppress.js and report.js; this file only knows webpack: where assets, maps, modules and
// definitions are, and how a compilation fails.
const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const { loadConfig, validateConfig } = require('./config.js')
const { applySuppressions } = require('./suppress.js')
const envLib = require('./env.js')
const { indexOfExpression } = envLib
const gate = require('./gate.js')
const { ignoreCommentAt } = gate
const { kindOf } = require('./walk.js')

const PLUGIN = 'SecretgatePlugin'
const LOGGER = 'secretgate'
// Options that belong to the plugin, not to the config file (the Vite plugin's, plus `configFile`
// as an alias of `config`).
const PLUGIN_OPTIONS = new Set(['config', 'configFile', 'report', 'onError', 'server'])
const ON_ERROR = new Set(['error', 'fail', 'warn'])
// Assets that another plugin adds after the analyse stage (a stats or report file, say) still get
// scanned: a second pass runs late, for names the first pass did not see.
const LATE_STAGE_OFFSET = 1000

class SecretgatePlugin {
  /**
   * @param {import('./webpack').SecretgatePluginOptions} [options]
   */
  constructor(options = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new TypeError(`${PLUGIN}: options must be an object`)
    }
    if (options.onError !== undefined && !ON_ERROR.has(options.onError)) {
      throw new TypeError(`${PLUGIN}: onError must be 'error' (or 'fail') or 'warn', got ${JSON.stringify(options.onError)}`)
    }
    if (options.server !== undefined && options.server !== 'warn' && options.server !== 'fail') {
      throw new TypeError(`${PLUGIN}: server must be 'warn' or 'fail', got ${JSON.stringify(options.server)}`)
    }
    const configFile = options.config !== undefined ? options.config : options.configFile
    if (configFile !== undefined && configFile !== null && typeof configFile !== 'string') {
      throw new TypeError(`${PLUGIN}: config must be the path of a secretgate config file`)
    }
    const report = options.report
    if (report !== undefined && report !== null && report !== false && report !== true && typeof report !== 'string' &&
      (typeof report !== 'object' || Array.isArray(report))) {
      throw new TypeError(`${PLUGIN}: report must be a path, true, or { format: 'json' | 'sarif', file }`)
    }
    if (report && typeof report === 'object') gate.resolveReportOption(report, process.cwd())
    // A typo in a config key fails here, naming the key, rather than silently turning a check off.
    validateConfig(configOverrides(options), `${PLUGIN} options`)
    this.options = { ...options }
  }

  /** @param {import('webpack').Compiler} compiler */
  apply(compiler) {
    // One gate per compiler: a plugin instance shared by the configs of a multi-compiler keeps no
    // state across them.
    new CompilerGate(compiler, this.options).apply()
  }
}

function configOverrides(options) {
  const overrides = {}
  for (const [key, value] of Object.entries(options)) if (!PLUGIN_OPTIONS.has(key)) overrides[key] = value
  return overrides
}

class CompilerGate {
  constructor(compiler, options) {
    this.compiler = compiler
    this.options = options
    this.bundler = compiler.webpack || compiler.rspack || require('webpack')
    this.isRspack = !!compiler.rspack || (this.bundler && typeof this.bundler.rspackVersion === 'string')
    /** @type {WeakMap<object, CompilationState>} */
    this.states = new WeakMap()
    this.scannerCache = { key: null, scanner: null }
    this.resultCache = { policy: null, entries: new Map(), next: new Map() }
    this.logger = null
  }

  apply() {
    const { compiler } = this
    const { Compilation } = this.bundler
    const analyse = Compilation.PROCESS_ASSETS_STAGE_ANALYSE
    const late = (Compilation.PROCESS_ASSETS_STAGE_REPORT || analyse + 1000) + LATE_STAGE_OFFSET

    // Ours runs first among shouldEmit taps, so no other plugin can vote a failed compilation out.
    compiler.hooks.shouldEmit.tap({ name: PLUGIN, stage: -1000 }, (compilation) => {
      const state = this.states.get(compilation)
      return state && state.failed ? false : undefined
    })

    compiler.hooks.thisCompilation.tap(PLUGIN, (compilation) => {
      const state = new CompilationState(compilation)
      this.states.set(compilation, state)
      // Config and environment are read once per compilation, so a watch rebuild sees edits.
      state.ready = this.prepare().then(
        (prepared) => Object.assign(state, prepared),
        (err) => {
          state.setupError = err
        },
      )
      state.ready.catch(() => {})
      compilation.hooks.processAssets.tapPromise({ name: PLUGIN, stage: analyse }, () => this.check(compilation, state))
      compilation.hooks.processAssets.tapPromise({ name: `${PLUGIN}:late`, stage: late }, () => this.check(compilation, state))
    })

    compiler.hooks.done.tap(PLUGIN, (stats) => {
      const state = this.states.get(stats.compilation)
      if (state) this.finish(state)
    })
  }

  log() {
    if (!this.logger) this.logger = this.compiler.getInfrastructureLogger(LOGGER)
    return this.logger
  }

  /** The config: loaded as the compilation starts, while webpack builds the modules. */
  async prepare() {
    const { compiler, options } = this
    const configFile = options.config || options.configFile || null
    const config = await loadConfig({ cwd: compiler.context, configFile, overrides: configOverrides(options) })
    const report = gate.resolveReportOption(options.report, compiler.context)
    return { config, report }
  }

  /**
   * The environment, read when the assets are: by then every DefinePlugin has registered its
   * definitions for this compilation (they do so in the `compilation` hook, after ours).
   */
  prepareEnvironment(compilation, state) {
    const { compiler } = this
    const definitions = collectDefinitions(compiler, compilation, dotenvPrefixes(compiler))
    const env = collectEnvironment(compiler, state.config, definitions)
    const bundlerConfig = webpackConfigFile(compiler.context)
    const wholesale = envLib.wholesaleDefineFindings(definitions.raw, {
      envNames: env.names,
      file: bundlerConfig,
      definer: 'DefinePlugin',
    }).map((f) => ({ ...f, file: path.relative(compiler.context, bundlerConfig).split(path.sep).join('/') }))
    const scanner = this.scannerFor(env.info.knownSecrets, state.config.rules)
    Object.assign(state, { definitions, env, wholesale, scanner })
  }

  scannerFor(knownSecrets, rules) {
    // The core builds its automata per Scanner: reuse it while the secrets and rules stay the same
    // (every rebuild in watch mode, usually).
    const key = JSON.stringify([knownSecrets, rules])
    if (this.scannerCache.key !== key) {
      this.scannerCache = { key, scanner: null }
      try {
        this.scannerCache.scanner = gate.createScanner({ knownSecrets, rules })
      } catch {
        // A core that fails to load is reported per asset by scanAssets (fail closed).
        this.scannerCache.key = null
      }
    }
    return this.scannerCache.scanner
  }

  async check(compilation, state) {
    await state.ready
    if (!state.setupError && !state.env) {
      try {
        this.prepareEnvironment(compilation, state)
      } catch (err) {
        state.setupError = new Error(`could not read the build's environment: ${err.message}`)
      }
    }
    if (state.setupError) {
      // a broken config (or environment) never means "no secrets": fail, and say why, once
      if (!state.setupReported) {
        state.setupReported = true
        state.failed = true
        compilation.errors.push(this.error(`secretgate: ${state.setupError.message}`))
      }
      return
    }
    const assets = []
    for (const asset of compilation.getAssets()) {
      if (state.scanned.get(asset.name) === asset.source) continue
      // Rspack hands out a new Source object on every read: there a name is scanned once.
      if (this.isRspack && state.scanned.has(asset.name)) continue
      state.scanned.set(asset.name, asset.source)
      assets.push(asset)
    }
    if (assets.length === 0 && state.passes > 0) return
    state.passes++
    const sources = new Map()
    const server = isServerTarget(this.compiler)
    const options = {
      config: state.config,
      knownSecrets: state.env.info.knownSecrets,
      attribute: (findings) => state.env.info.attribute(findings),
      server: this.options.server || 'warn',
      scanner: state.scanner,
      sources,
    }
    const policy = JSON.stringify([state.config, options.knownSecrets, options.server])
    if (this.resultCache.policy !== policy) this.resultCache = { policy, entries: new Map(), next: new Map() }
    const results = []
    if (state.passes === 1 && state.wholesale.length > 0) results.push(gate.scanAssets([], { ...options, extraFindings: state.wholesale }))
    for (const asset of assets) {
      try {
        results.push(this.scanCached(toGateAsset(compilation, asset, server), options))
      } catch (err) {
        // Anything thrown here is a secretgate bug; the build must still not ship unjudged files.
        results.push({
          findings: [],
          notes: [],
          errors: [{ file: asset.name, code: 'SECRETGATE_INTERNAL', message: String((err && err.message) || err).split('\n')[0] }],
          stats: { files: 0, bytes: 0, ms: 0, ignored: 0, binary: 0 },
          version: null,
          failOn: state.config.failOn,
        })
      }
    }
    const result = gate.mergeResults(results)
    result.failOn = state.config.failOn
    for (const [file, bytes] of sources) state.sources.set(file, bytes)
    const locator = new OriginalLocator(this, compilation, state)
    result.findings = applySuppressions(
      result.findings.map((f) => locator.locate(f)),
      state.config,
      {},
    )
    state.results.push(result)
    this.judge(compilation, state, result, locator)
  }

  /**
   * One asset through gate.scanAssets, or its result from an earlier compilation when its bytes,
   * map and name are the same and so are the config and the known secrets: in watch mode most
   * assets (the vendor chunk, their maps) do not change from one rebuild to the next (the cache
   * is emptied when the config or the known secrets change, see check). A result
   * with a file the core could not judge is never reused. Original locations are not part of
   * it: they are worked out again every time (a module's lines can move while the bundle stays).
   */
  scanCached(asset, options) {
    const hash = crypto.createHash('sha1')
    hash.update(`${asset.fileName}\0${asset.server}\0`)
    hash.update(asset.source)
    hash.update('\0')
    if (asset.map) hash.update(asset.map)
    const key = hash.digest('hex')
    const bytes = typeof asset.source === 'string' ? Buffer.from(asset.source, 'utf8') : asset.source
    const hit = this.resultCache.entries.get(key) || this.resultCache.next.get(key)
    if (hit) {
      this.resultCache.next.set(key, hit)
      options.sources.set(asset.fileName, bytes)
      return { ...hit, stats: { ...hit.stats, ms: 0 } }
    }
    const result = gate.scanAssets([asset], options)
    if (result.errors.length === 0) this.resultCache.next.set(key, result)
    return result
  }

  /** Turn one pass's result into compilation errors/warnings and keep the offending assets out. */
  judge(compilation, state, result, locator) {
    const onError = this.options.onError === 'warn' ? 'warn' : 'fail'
    const { findings: failing, errors: unjudged } = gate.verdict(result, { onError })
    const offending = new Set()
    for (const finding of failing) {
      compilation.errors.push(this.findingError(finding, locator))
      offending.add(finding.file)
    }
    for (const finding of result.findings) {
      if (finding.suppressed || failing.includes(finding) || finding.severity !== 'warning') continue
      compilation.warnings.push(this.findingError(finding, locator))
    }
    for (const e of result.errors) {
      const err = this.error(`secretgate: could not scan ${e.file}: ${e.message}. The build cannot vouch for it` +
        (onError === 'warn' ? ' (onError: \'warn\' lets it through)' : '; fix or report this, or set onError: \'warn\' to let it through'))
      err.file = e.file
      if (onError === 'warn') compilation.warnings.push(err)
      else compilation.errors.push(err)
    }
    for (const e of unjudged) offending.add(e.file)
    if (offending.size === 0) return
    state.failed = true
    // Belt and braces beside shouldEmit: an asset holding a secret (and its map, its compressed
    // copies) leaves the compilation, so no emitter, dev server or later plugin can write it.
    for (const name of offending) deleteWithRelated(compilation, name)
  }

  findingError(finding, locator) {
    const lines = [`secretgate: ${finding.severity} ${finding.ruleId}: ${finding.message}`]
    lines.push(`  at ${finding.file}:${finding.line}:${finding.column}`)
    if (finding.original) lines.push(`  from ${finding.original.file}:${finding.original.line}:${finding.original.column}`)
    const details = []
    if (finding.secret) details.push(`secret ${finding.secret}`)
    if (finding.envVar) details.push(`env ${finding.envVar}`)
    if (finding.context) details.push(`in ${finding.context}`)
    if (finding.call) details.push(`call ${finding.call}`)
    if (details.length) lines.push(`  ${details.join(' · ')}`)
    const frame = locator.frame(finding)
    if (frame) lines.push(frame)
    const err = this.error(lines.join('\n'))
    err.file = finding.file
    err.loc = {
      start: { line: finding.line, column: Math.max(0, finding.column - 1) },
      end: { line: finding.endLine || finding.line, column: Math.max(0, (finding.endColumn || finding.column) - 1) },
    }
    // The redacted finding, for tools reading compilation.errors (never a raw value).
    Object.defineProperty(err, 'finding', { value: finding, enumerable: false })
    return err
  }

  error(message) {
    const { WebpackError } = this.bundler
    const err = WebpackError ? new WebpackError(message) : new Error(message)
    err.name = 'SecretgateError'
    err.hideStack = true
    // The stack would repeat the message and point into secretgate: nothing to act on.
    err.stack = `${err.name}: ${message}`
    return err
  }

  /** After the compilation: the CLI-style summary (once, when it failed) and the report file. */
  finish(state) {
    if (state.finished || state.results.length === 0) return
    state.finished = true
    // keep only what this compilation used: the cache never grows past one build's assets
    this.resultCache.entries = this.resultCache.next
    this.resultCache.next = new Map()
    const result = gate.mergeResults(state.results)
    result.failOn = state.config ? state.config.failOn : 'error'
    const logger = this.log()
    if (state.failed) {
      logger.error(gate.formatSummary(result, { color: false, sources: state.sources }).trimEnd())
    } else {
      const { summaryLine } = require('./report.js')
      logger.log(summaryLine(result))
    }
    if (state.report) {
      try {
        gate.writeReport(result, state.report)
      } catch (err) {
        logger.error(`secretgate: could not write the report ${state.report.file}: ${err.message}`)
      }
    }
    // What is left is only needed until the summary; drop the bytes of a large build.
    state.sources = new Map()
  }
}

class CompilationState {
  constructor(compilation) {
    this.compilation = compilation
    this.ready = null
    this.setupError = null
    this.setupReported = false
    this.config = null
    this.report = null
    this.definitions = null
    this.env = null
    this.wholesale = []
    this.scanner = null
    /** @type {Map<string, object>} asset name -> the Source object scanned */
    this.scanned = new Map()
    this.passes = 0
    this.results = []
    /** @type {Map<string, Buffer>} scanned bytes by file, for code frames in the summary */
    this.sources = new Map()
    this.failed = false
    this.finished = false
  }
}

// ---------------------------------------------------------------------------------------------
// assets

function toGateAsset(compilation, asset, server) {
  const source = asset.source.source()
  return { fileName: asset.name, source, map: sourceMapFor(compilation, asset, source), server }
}

/**
 * The asset's source map as text: the `.map` asset webpack's SourceMapDevToolPlugin made (named in
 * `info.related.sourceMap`), else an inline `data:` map (`devtool: 'inline-source-map'`). Eval
 * devtools and `devtool: false` have none: OriginalLocator works from the modules then.
 */
function sourceMapFor(compilation, asset, source) {
  const related = asset.info && asset.info.related
  const names = related && related.sourceMap ? [].concat(related.sourceMap) : []
  for (const name of names) {
    const mapAsset = compilation.getAsset(name)
    if (mapAsset) return String(mapAsset.source.source())
  }
  if (typeof source !== 'string' || !/\.(?:[cm]?js|css)$/i.test(asset.name)) return null
  const tail = source.slice(-Math.min(source.length, 4 * 1024 * 1024))
  const m = /[#@] sourceMappingURL=data:application\/json(?:;charset=[\w-]+)?;base64,([A-Za-z0-9+/=]+)\s*(?:\*\/)?\s*$/.exec(tail)
  if (!m) return null
  try {
    return Buffer.from(m[1], 'base64').toString('utf8')
  } catch {
    return null
  }
}

function deleteWithRelated(compilation, name) {
  const asset = compilation.getAsset(name)
  if (!asset) return
  const related = (asset.info && asset.info.related) || {}
  const others = []
  for (const value of Object.values(related)) others.push(...[].concat(value))
  // compression plugins add `name.gz`/`name.br` without always declaring them as related
  for (const ext of ['.gz', '.br', '.zst']) others.push(name + ext)
  try {
    compilation.deleteAsset(name)
  } catch {}
  for (const other of others) {
    if (typeof other === 'string' && compilation.getAsset(other)) {
      try {
        compilation.deleteAsset(other)
      } catch {}
    }
  }
}

function isServerTarget(compiler) {
  // A node/electron-main build never reaches a browser: its findings are warnings (the config's
  // `serverOutput` globs and the `server: 'fail'` option refine this).
  const platform = compiler.platform
  if (platform && typeof platform === 'object' && (platform.web === true || platform.browser === true)) return false
  if (platform && typeof platform === 'object' && (platform.node === true || platform.electron === true) && !platform.web) return true
  const target = compiler.options.target
  const targets = [].concat(target || [])
  return targets.length > 0 && targets.every((t) => typeof t === 'string' && /^(?:async-)?node|^electron-main/.test(t))
}

/** The prefixes webpack's own `dotenv` option exposes (none when it is off). */
function dotenvPrefixes(compiler) {
  const dotenv = compiler.options.dotenv
  if (!dotenv) return []
  const prefix = typeof dotenv === 'object' && dotenv.prefix ? dotenv.prefix : 'WEBPACK_'
  return [].concat(prefix).filter((p) => typeof p === 'string' && p)
}

function webpackConfigFile(context) {
  for (const name of ['webpack.config.js', 'webpack.config.cjs', 'webpack.config.mjs', 'webpack.config.ts', 'rspack.config.js', 'rspack.config.mjs', 'rspack.config.ts']) {
    const file = path.join(context, name)
    if (fs.existsSync(file)) return file
  }
  return path.join(context, 'webpack.config.js')
}

// ---------------------------------------------------------------------------------------------
// environment

/**
 * Every definition that can inline a value: DefinePlugin instances in the config's plugins, and
 * (webpack >= 5.91) the merged definitions of every DefinePlugin applied to the compiler, which
 * also holds those made inside other plugins. Definitions that EnvironmentPlugin or webpack's
 * `dotenv` made are left to those (named as such in messages, and `dotenv`'s `import.meta.env`
 * object is not mistaken for a whole-environment define).
 * `raw`: as written (for the whole-environment check); `flat`: dotted keys to code (env.js);
 * `exposures`: EnvironmentPlugin keys; `defaults`: EnvironmentPlugin default values in use.
 */
function collectDefinitions(compiler, compilation, dotenvPrefixes) {
  const raw = {}
  const exposures = []
  const defaults = {}
  const environmentKeys = new Set()
  for (const plugin of compiler.options.plugins || []) {
    if (!plugin || typeof plugin !== 'object') continue
    const name = plugin.constructor && plugin.constructor.name
    if (name === 'DefinePlugin') {
      const defs = plugin.definitions || (Array.isArray(plugin._args) ? plugin._args[0] : null)
      if (defs && typeof defs === 'object') Object.assign(raw, defs)
    } else if (name === 'EnvironmentPlugin' && Array.isArray(plugin.keys)) {
      for (const key of plugin.keys) {
        environmentKeys.add(key)
        exposures.push({ name: key, plugin: 'EnvironmentPlugin' })
        const fallback = (plugin.defaultValues || {})[key]
        if (process.env[key] === undefined && typeof fallback === 'string') defaults[key] = fallback
      }
    }
  }
  const madeElsewhere = (key, value) => {
    const m = /^(?:process\.env|import\.meta\.env)\.(.+)$/.exec(key)
    if (m && (environmentKeys.has(m[1]) || dotenvPrefixes.some((p) => m[1].startsWith(p)))) return true
    // dotenv's own `import.meta.env` object: only prefixed names in it
    return key === 'import.meta.env' && dotenvPrefixes.length > 0 && value && typeof value === 'object' &&
      Object.keys(value).every((k) => dotenvPrefixes.some((p) => k.startsWith(p)))
  }
  const DefinePlugin = (compiler.webpack || {}).DefinePlugin
  if (DefinePlugin && typeof DefinePlugin.getCompilationHooks === 'function') {
    try {
      const merged = DefinePlugin.getCompilationHooks(compilation).definitions.call({})
      for (const [key, value] of Object.entries(merged || {})) {
        if (!(key in raw) && !madeElsewhere(key, value)) raw[key] = value
      }
    } catch {}
  }
  const flat = {}
  flattenDefinitions(raw, '', flat, 0)
  return { raw: plainDefinitions(raw), flat, exposures, defaults, environmentKeys }
}

function isCode(value) {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
}

/** `{ 'process.env': { A: '"x"' } }` -> `{ 'process.env.A': '"x"' }`; runtime values are skipped. */
function flattenDefinitions(defs, prefix, out, depth) {
  if (depth > 8 || !defs || typeof defs !== 'object') return
  for (const [key, value] of Object.entries(defs)) {
    const full = prefix ? `${prefix}.${key}` : key
    if (isCode(value)) out[full] = String(value)
    else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      flattenDefinitions(value, full, out, depth + 1)
    }
    // RuntimeValue (DefinePlugin.runtimeValue) is computed per module: not known at this point.
  }
}

/** The definitions with only data values, for the whole-environment check. */
function plainDefinitions(defs) {
  const out = {}
  for (const [key, value] of Object.entries(defs)) {
    if (isCode(value)) out[key] = String(value)
    else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) out[key] = value
  }
  return out
}

/**
 * The environment the build ran in: the mode's `.env*` files (in webpack's `dotenv.dir`, else the
 * context), then process.env (it wins, as in webpack's own dotenv support); prefixes that webpack's
 * `dotenv` option exposes; every definition. Returns the env module's EnvInfo and every name seen.
 */
function collectEnvironment(compiler, config, definitions) {
  const options = compiler.options
  const dotenv = options.dotenv
  const dotenvOptions = dotenv && typeof dotenv === 'object' ? dotenv : {}
  const envDir = typeof dotenvOptions.dir === 'string' ? path.resolve(compiler.context, dotenvOptions.dir) : compiler.context
  const mode = options.mode || 'production'
  const sources = []
  // webpack's `dotenv.template` names the files (`.env.[mode]`); otherwise the usual four
  const files = Array.isArray(dotenvOptions.template)
    ? dotenvOptions.template.map((t) => path.join(envDir, String(t).replace(/\[mode\]/g, mode)))
    : envLib.envFilesForMode(mode, envDir)
  for (const file of files) {
    let text
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch {
      continue
    }
    sources.push({ origin: path.basename(file), vars: envLib.parseDotenv(text) })
  }
  if (Object.keys(definitions.defaults).length > 0) sources.push({ origin: 'EnvironmentPlugin defaults', vars: definitions.defaults })
  sources.push({ origin: 'process.env', vars: { ...process.env }, processEnv: true })
  const prefixes = dotenvPrefixes(compiler)
  const info = envLib.collectEnv({
    sources,
    prefixes,
    publicEnv: config.publicEnv,
    define: definitions.flat,
    definer: 'DefinePlugin',
    pluginExposures: definitions.exposures,
  })
  const names = new Set()
  for (const s of sources) for (const name of Object.keys(s.vars)) names.add(name)
  return { info, names }
}

// ---------------------------------------------------------------------------------------------
// original locations

/**
 * Fills `original` for findings the source maps could not place (no devtool, eval devtools, HTML
 * pages), from the modules webpack bundled into the asset (or the html-webpack-plugin template),
 * and reads inline ignore comments there: minifiers strip comments, the module source keeps them.
 * Also normalises map paths (`webpack://app/./src/a.js` -> `src/a.js`) and makes code frames.
 */
class OriginalLocator {
  constructor(gateForCompiler, compilation, state) {
    this.gate = gateForCompiler
    this.compilation = compilation
    this.state = state
    this.context = gateForCompiler.compiler.context
    this.modulesByAsset = null
    this.texts = new Map()
    this.moduleFindings = new Map()
  }

  /** The raw value a finding points at, kept in memory only (to mask frames, find modules). */
  rawValue(finding) {
    const bytes = this.state.sources.get(finding.file)
    if (!bytes || !(finding.end > finding.start) || finding.end > bytes.length) return null
    return bytes.subarray(finding.start, finding.end).toString('utf8')
  }

  locate(finding) {
    finding = publishableWording(finding)
    if (finding.original && finding.original.file) {
      const original = { ...finding.original, file: this.displayPath(finding.original.file) }
      return { ...finding, ...this.refine(finding, original) }
    }
    if (finding.suppressed || finding.file.endsWith('.map') || !(finding.end > finding.start)) return finding
    try {
      const found = this.findInSources(finding)
      return found ? { ...finding, ...found } : finding
    } catch {
      return finding
    }
  }

  /**
   * A map points at where the minifier put the value, which is not always where it was written:
   * terser inlines `const key = '...'` into its one use. When the original file holds the same
   * finding elsewhere (same fingerprint) and not on the mapped line, the written place wins.
   */
  refine(finding, original) {
    try {
      const file = path.resolve(this.context, original.file)
      const text = this.text(file)
      const prefix = String(finding.secret || '').split('\u2026')[0]
      if (!text || prefix.length < 3) return { original }
      const mappedLine = text.split('\n')[original.line - 1] || ''
      if (mappedLine.includes(prefix)) return { original }
      const own = this.scanFile(file).find((g) => g.fingerprint === finding.fingerprint)
      if (!own) return { original }
      // its ignore comment sits beside where it was written, not where it was inlined
      return { original: { file: original.file, line: own.line, column: own.column }, suppressed: finding.suppressed || own.suppressed || null }
    } catch {
      return { original }
    }
  }

  displayPath(file) {
    let p = String(file)
    const m = /^webpack(?:-internal)?:\/\/[^/]*\/(.*)$/.exec(p)
    if (m) p = m[1]
    p = p.replace(/\?.*$/, '')
    if (path.isAbsolute(p)) p = path.relative(this.context, p)
    p = p.split(path.sep).join('/')
    while (p.startsWith('./')) p = p.slice(2)
    return p
  }

  findInSources(finding) {
    const prefix = String(finding.secret || '').split('\u2026')[0]
    let raw = this.rawValue(finding)
    // The core spans a whole string literal when the match sits inside escapes (eval devtools put
    // every module in one), and an encoded env value is not the value: neither is searched for.
    if (raw && prefix && !raw.startsWith(prefix)) raw = null
    const candidates = this.candidateFiles(finding.file)
    const at = (file, text, index) => {
      const loc = lineColumn(text, index)
      return { original: { file: this.displayPath(file), ...loc }, suppressed: ignoreCommentAt(text, loc.line) }
    }
    const placed = (file) => {
      // The module's own scan places the finding (same fingerprint) and sees its ignore comments.
      const own = this.scanFile(file).find((g) => g.fingerprint === finding.fingerprint)
      return own ? { original: { file: this.displayPath(file), line: own.line, column: own.column }, suppressed: own.suppressed || null } : null
    }
    const search = (needles) => {
      for (const needle of needles) {
        for (const file of candidates) {
          const text = this.text(file)
          const index = text ? indexOfExpression(text, needle) : -1
          if (index >= 0) return at(file, text, index)
        }
      }
      return null
    }
    // 1. the value as written in a module
    if (raw && raw.length >= 4) {
      for (const file of candidates) {
        const text = this.text(file)
        if (text && text.includes(raw)) return placed(file) || at(file, text, text.indexOf(raw))
      }
    }
    // 2. a DefinePlugin substitution: the module holds the expression, not the value
    const specific = search(this.defineKeysFor(finding, raw, false))
    if (specific) return specific
    // 3. the modules' own scans, by fingerprint (an encoded value, a value inside an eval string),
    //    first-party first and within a budget
    let budget = 32 * 1024 * 1024
    for (const file of candidates) {
      const text = this.text(file)
      if (!text) continue
      if (file.includes('node_modules') && prefix.length >= 3 && !text.includes(prefix)) continue
      budget -= text.length
      if (budget < 0) break
      const own = placed(file)
      if (own) return own
    }
    // 4. where the module reads the variable, or the whole environment
    return search(this.defineKeysFor(finding, raw, true))
  }

  /**
   * Define keys that could have put this value in. Specific: a definition holding the value, or
   * defining the finding's variable. Generic: `process.env.NAME` and a whole-environment key.
   */
  defineKeysFor(finding, raw, generic) {
    const keys = []
    if (!generic) {
      const flat = this.state.definitions ? this.state.definitions.flat : {}
      for (const [key, code] of Object.entries(flat)) {
        let value
        try {
          value = JSON.parse(code)
        } catch {
          continue
        }
        const byName = finding.envVar && (key === `process.env.${finding.envVar}` || key === `import.meta.env.${finding.envVar}` || key === finding.envVar)
        if (byName || (raw && typeof value === 'string' && value.length >= 4 && value.includes(raw))) keys.push(key)
      }
    } else {
      // `'process.env': JSON.stringify(process.env)`: the module reads process.env.NAME or process.env
      if (finding.envVar) keys.push(`process.env.${finding.envVar}`, `import.meta.env.${finding.envVar}`)
      for (const key of Object.keys(this.state.definitions ? this.state.definitions.raw : {})) {
        if (/^(?:process\.env|import\.meta\.env)$/.test(key)) keys.push(key)
      }
    }
    return [...new Set(keys)].sort((a, b) => b.length - a.length)
  }

  /** Files whose text could hold the value: the asset's modules, or an HTML page's template. */
  candidateFiles(assetName) {
    if (/\.html?$/i.test(assetName)) return htmlTemplates(this.gate.compiler)
    if (!this.modulesByAsset) this.modulesByAsset = mapAssetsToModules(this.compilation)
    return this.modulesByAsset.get(assetName) || []
  }

  text(file) {
    if (!this.texts.has(file)) {
      let text = null
      try {
        const stat = fs.statSync(file)
        if (stat.isFile() && stat.size < 8 * 1024 * 1024) text = fs.readFileSync(file, 'utf8')
      } catch {}
      this.texts.set(file, text)
    }
    return this.texts.get(file)
  }

  scanFile(file) {
    if (!this.moduleFindings.has(file)) {
      let findings = []
      try {
        if (this.state.scanner) {
          const kind = /\.html?$/i.test(file) ? 'html' : kindOf(file) === 'text' ? 'js' : kindOf(file)
          findings = this.state.scanner.scan(this.text(file), { file, kind }).findings
        }
      } catch {}
      this.moduleFindings.set(file, findings)
    }
    return this.moduleFindings.get(file)
  }

  /**
   * A masked code frame of the original source, or '' when there is none. What to mask is worked
   * out from the original text itself, never trusted to offsets alone (a map finding's offsets
   * are not the original's): the asset's bytes at the finding when they start with the redacted
   * prefix, every token near the line that carries that prefix, and the string literal the
   * finding points into.
   */
  frame(finding) {
    if (!finding.original) return ''
    const file = path.resolve(this.context, finding.original.file)
    const text = this.text(file)
    if (!text) return ''
    const { line, column } = finding.original
    const prefix = String(finding.secret || '').split('\u2026')[0]
    const secrets = [...this.maskValues()]
    const raw = this.rawValue(finding)
    if (raw && (!prefix || raw.startsWith(prefix))) secrets.push(raw)
    const lines = text.split('\n')
    if (prefix.length >= 3) {
      for (let n = Math.max(1, line - 2); n <= Math.min(lines.length, line + 2); n++) {
        for (const m of lines[n - 1].matchAll(/[A-Za-z0-9_\-+/=.:~%]+/g)) {
          const i = m[0].indexOf(prefix)
          if (i >= 0) secrets.push(m[0].slice(i))
        }
      }
    }
    // a plain literal the finding points into; a template with `${...}` shows the expression that
    // put the value in, which is worth seeing
    const literal = stringLiteralAt(lines[line - 1] || '', column)
    if (literal && literal.length >= 4 && !literal.includes('${')) secrets.push(literal)
    // everything the core finds in the file itself: a neighbouring line may hold another secret
    const bytes = Buffer.from(text, 'utf8')
    for (const g of this.scanFile(file)) {
      if (g.end > g.start && g.end <= bytes.length) secrets.push(bytes.subarray(g.start, g.end).toString('utf8'))
    }
    return gate.maskedFrame(text, line, column, secrets)
  }

  /** Every value that must never ship, as written and encoded, for masking frames. */
  maskValues() {
    if (!this.masks) {
      this.masks = []
      const values = this.state.env && this.state.env.info ? this.state.env.info.values : new Map()
      for (const record of values.values()) {
        if (!record.secret || record.value.length < 4) continue
        const b64 = Buffer.from(record.value, 'utf8').toString('base64')
        this.masks.push(record.value, b64, b64.replace(/=+$/, ''), encodeURIComponent(record.value))
      }
    }
    return this.masks
  }
}

/**
 * env.js advises "keep it on a server" for every variable that no prefix makes public, which in
 * webpack (no prefix convention) is every DefinePlugin variable, a publishable key's included. The
 * core says a publishable key is public by design: the advice is dropped there.
 */
function publishableWording(finding) {
  if (finding.kind !== 'publishable' || typeof finding.message !== 'string') return finding
  const message = finding.message.replace(/; keep it on a server(?=[.)])/g, '')
  return message === finding.message ? finding : { ...finding, message }
}

function mapAssetsToModules(compilation) {
  const out = new Map()
  const { chunkGraph } = compilation
  for (const chunk of compilation.chunks) {
    const files = [...(chunk.files || []), ...(chunk.auxiliaryFiles || [])]
    if (files.length === 0) continue
    const resources = []
    let modules = []
    try {
      modules = typeof chunkGraph.getChunkModulesIterable === 'function'
        ? [...chunkGraph.getChunkModulesIterable(chunk)]
        : [...chunkGraph.getChunkModules(chunk)]
    } catch {}
    const visit = (m, depth) => {
      if (!m || depth > 4) return
      if (Array.isArray(m.modules)) for (const inner of m.modules) visit(inner, depth + 1)
      const resource = typeof m.resource === 'string' ? m.resource.replace(/\?.*$/, '') : null
      if (resource && path.isAbsolute(resource)) resources.push(resource)
    }
    for (const m of modules) visit(m, 0)
    // first-party modules first: that is where a leak is usually written
    resources.sort((a, b) => Number(a.includes('node_modules')) - Number(b.includes('node_modules')))
    for (const file of files) out.set(file, [...new Set([...(out.get(file) || []), ...resources])])
  }
  return out
}

function htmlTemplates(compiler) {
  const out = []
  for (const plugin of compiler.options.plugins || []) {
    if (!plugin || typeof plugin !== 'object') continue
    const name = plugin.constructor && plugin.constructor.name
    if (name !== 'HtmlWebpackPlugin' && name !== 'HtmlRspackPlugin') continue
    const opts = plugin.userOptions || plugin.options || (Array.isArray(plugin._args) ? plugin._args[0] : null) || {}
    if (typeof opts.template !== 'string') continue
    const template = opts.template.split('!').pop().replace(/\?.*$/, '')
    out.push(path.resolve(compiler.context, template))
  }
  return out
}

function lineColumn(text, index) {
  const before = text.slice(0, index)
  const line = before.split('\n').length
  return { line, column: index - before.lastIndexOf('\n') }
}

/** The content of the string literal that a 1-based column starts or points into, or null. */
function stringLiteralAt(lineText, column) {
  const i = column - 1
  for (const start of [i - 1, i]) {
    const q = lineText[start]
    if (q !== '"' && q !== "'" && q !== '`') continue
    let end = start + 1
    while (end < lineText.length && lineText[end] !== q) end += lineText[end] === '\\' ? 2 : 1
    return lineText.slice(start + 1, end)
  }
  return null
}

module.exports = SecretgatePlugin
module.exports.SecretgatePlugin = SecretgatePlugin
module.exports.default = SecretgatePlugin
