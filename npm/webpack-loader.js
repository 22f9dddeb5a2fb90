'use strict'
// secretgate/webpack-loader: early feedback. Scans each first-party module's source as webpack (or
// Rspack) loads it and reports findings on that module, with its own path and line, through
// `this.emitError` / `this.emitWarning`. It never changes the source, and it never replaces the
// plugin: DefinePlugin substitutions, minification and the HTML pages happen after loaders, so only
// `secretgate/webpack` sees what actually ships.
//
// Options: the config-file keys (`ignore`, `rules`, `allow`, `failOn`, `publicEnv`), `config` (a
// config file path),
// and `onError` ('error' by default: a module the core cannot judge is an error; 'warn' makes it a
// warning). Put it last in a rule's `use` list (loaders run right to left) so it reads the file as
// written and its lines are the file's lines.
const fs = require('node:fs')
const path = require('node:path')
const { loadConfig, failsAt } = require('./config.js')
const envLib = require('./env.js')
const gate = require('./gate.js')
const { applySuppressions } = require('./suppress.js')
const { matchAny } = require('./glob.js')

const LOADER_ONLY_OPTIONS = new Set(['config', 'configFile', 'onError', 'report', 'server'])


// Config and Scanner are built once per compilation (a watch rebuild re-reads the config file), and
// shared by every module of that compilation. Keyed by the compilation object when webpack or Rspack
// exposes it, so nothing outlives a build.
const perCompilation = new WeakMap()
const fallbackCache = new Map()

function cacheFor(loaderContext) {
  const compilation = loaderContext._compilation
  if (!compilation || typeof compilation !== 'object') return fallbackCache
  let cache = perCompilation.get(compilation)
  if (!cache) perCompilation.set(compilation, (cache = new Map()))
  return cache
}

function splitOptions(options) {
  const overrides = {}
  for (const [key, value] of Object.entries(options || {})) {
    if (!LOADER_ONLY_OPTIONS.has(key)) overrides[key] = value
  }
  return overrides
}

/**
 * What the environment knows (env.js): values of non-public variables from the mode's `.env*`
 * files and process.env, searched for in each module too (a `.env` value pasted into code), and
 * the attribution that names the variable behind a hit.
 */
function environmentFor(cwd, mode, config) {
  const sources = []
  for (const file of envLib.envFilesForMode(mode || 'production', cwd)) {
    let text
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch {
      continue
    }
    sources.push({ origin: path.basename(file), vars: envLib.parseDotenv(text) })
  }
  sources.push({ origin: 'process.env', vars: { ...process.env }, processEnv: true })
  return envLib.collectEnv({ sources, publicEnv: config.publicEnv })
}

function setup(loaderContext, options) {
  const cwd = loaderContext.rootContext || process.cwd()
  const key = JSON.stringify([cwd, loaderContext.mode || '', options])
  const cache = cacheFor(loaderContext)
  let entry = cache.get(key)
  if (!entry) {
    entry = loadConfig({ cwd, configFile: options.config || options.configFile || null, overrides: splitOptions(options) }).then((config) => {
      const env = environmentFor(cwd, loaderContext.mode, config)
      const scanner = gate.createScanner({ knownSecrets: env.knownSecrets, rules: config.rules })
      return { config, cwd, env, scanner }
    })
    cache.set(key, entry)
    // A failed load must be retried on the next module, not remembered.
    entry.catch(() => cache.delete(key))
  }
  return entry
}

function displayPath(file, cwd) {
  const rel = path.relative(cwd, file)
  return (rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file).split(path.sep).join('/')
}

/** One finding as loader output: path:line:column first (editors link it), never the raw value. */
function describe(finding, shownPath) {
  const where = `${shownPath}:${finding.line}:${finding.column}`
  const what = [finding.provider, finding.ruleId && `(${finding.ruleId})`].filter(Boolean).join(' ')
  const lines = [`secretgate: ${finding.severity} ${what} at ${where}`]
  const detail = [`value ${finding.secret}`]
  if (finding.context) detail.push(`assigned to ${finding.context}`)
  if (finding.call) detail.push(`passed to ${finding.call}()`)
  if (finding.envVar) detail.push(`the value of ${finding.envVar}`)
  lines.push(`  ${detail.join(', ')}`)
  if (finding.message) lines.push(`  ${finding.message}`)
  return lines.join('\n')
}

function makeError(message, extra) {
  const err = new Error(message)
  err.name = 'SecretgateError'
  // webpack prints a loader error's stack unless told otherwise; ours carries nothing useful.
  err.hideStack = true
  err.stack = `${err.name}: ${message}`
  return Object.assign(err, extra)
}

module.exports = function secretgateLoader(source, map, meta) {
  const callback = this.async()
  if (typeof this.cacheable === 'function') this.cacheable(true)
  let options
  try {
    options = (typeof this.getOptions === 'function' ? this.getOptions() : this.query) || {}
    if (typeof options === 'string') options = {}
  } catch (err) {
    callback(err)
    return
  }
  setup(this, options).then(
    (state) => {
      let result
      try {
        result = check(this, state, source, options)
      } catch (err) {
        callback(err)
        return
      }
      for (const error of result.errors) this.emitError(error)
      for (const warning of result.warnings) this.emitWarning(warning)
      callback(null, source, map, meta)
    },
    (err) => callback(err),
  )
}

/** Scan one module and sort its findings into errors and warnings (info stays quiet here). */
function check(loaderContext, { config, cwd, env, scanner }, source, options) {
  const errors = []
  const warnings = []
  const resourcePath = loaderContext.resourcePath
  if (config.configPath) loaderContext.addDependency(config.configPath)
  const shownPath = displayPath(resourcePath, cwd)
  if (config.ignore.length && matchAny(config.ignore, [shownPath])) return { errors, warnings }
  let report
  try {
    report = scanner.scan(source, { file: resourcePath, kind: 'js' })
  } catch (err) {
    if (!err || err.code !== 'SECRETGATE_INTERNAL') throw err
    // Fail closed: a module the core could not judge is not a clean module.
    const text = `secretgate: could not scan ${shownPath} (${String(err.message).split('\n')[0]}); the build cannot vouch for it`
    const error = makeError(text, { code: 'SECRETGATE_INTERNAL' })
    ;(options.onError === 'warn' ? warnings : errors).push(error)
    return { errors, warnings }
  }
  for (const finding of applySuppressions(env.attribute(report.findings), config, {})) {
    if (finding.suppressed) continue
    if (failsAt(finding, config.failOn)) errors.push(makeError(describe(finding, shownPath), { finding }))
    else if (finding.severity !== 'info') warnings.push(makeError(describe(finding, shownPath), { finding }))
  }
  return { errors, warnings }
}

