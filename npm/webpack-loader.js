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

/**
 * One finding as loader output, in the plugin's shape: the rule and message, `at path:line:column`
 * (editors link it), the redacted value and its context, and a code frame with the value masked.
 */
function describe(finding, shownPath, source, masks) {
  const lines = [`secretgate: ${finding.severity} ${finding.ruleId}: ${finding.message}`]
  lines.push(`  at ${shownPath}:${finding.line}:${finding.column}`)
  const details = []
  if (finding.secret) details.push(`secret ${finding.secret}`)
  if (finding.envVar) details.push(`env ${finding.envVar}`)
  if (finding.context) details.push(`in ${finding.context}`)
  if (finding.call) details.push(`call ${finding.call}`)
  if (details.length) lines.push(`  ${details.join(' \u00b7 ')}`)
  const frame = maskedFrame(finding, source, masks)
  if (frame) lines.push(frame)
  return lines.join('\n')
}

/**
 * The module's lines around the finding, masked: every span the core found in the module (a
 * neighbouring line may hold another secret; a whole string literal when the match sat inside
 * escapes), the env values that must never ship, and any token carrying the redacted prefix.
 */
function maskedFrame(finding, source, masks) {
  const text = typeof source === 'string' ? source : Buffer.from(source).toString('utf8')
  const secrets = masks.slice()
  const prefix = String(finding.secret || '').split('\u2026')[0]
  const lines = text.split('\n')
  if (prefix.length >= 3) {
    for (let n = Math.max(1, finding.line - 2); n <= Math.min(lines.length, finding.line + 2); n++) {
      for (const m of lines[n - 1].matchAll(/[A-Za-z0-9_\-+/=.:~%]+/g)) {
        const at = m[0].indexOf(prefix)
        if (at >= 0) secrets.push(m[0].slice(at))
      }
    }
  }
  return gate.maskedFrame(text, finding.line, finding.column, secrets)
}

function maskValues(findings, source, env) {
  const bytes = Buffer.isBuffer(source) ? source : Buffer.from(String(source), 'utf8')
  const masks = []
  for (const f of findings) {
    if (f.end > f.start && f.end <= bytes.length) masks.push(bytes.subarray(f.start, f.end).toString('utf8'))
  }
  for (const record of env.values.values()) {
    if (!record.secret || record.value.length < 4) continue
    const b64 = Buffer.from(record.value, 'utf8').toString('base64')
    masks.push(record.value, b64, b64.replace(/=+$/, ''), encodeURIComponent(record.value))
  }
  return masks
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
  const findings = applySuppressions(env.attribute(report.findings), config, {})
  let masks = null
  const message = (finding) => {
    if (!masks) masks = maskValues(report.findings, source, env)
    return describe(finding, shownPath, source, masks)
  }
  for (const finding of findings) {
    if (finding.suppressed) continue
    if (failsAt(finding, config.failOn)) errors.push(makeError(message(finding), { finding }))
    else if (finding.severity !== 'info') warnings.push(makeError(message(finding), { finding }))
  }
  return { errors, warnings }
}

