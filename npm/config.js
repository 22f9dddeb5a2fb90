'use strict'
// The configuration every front end shares (CLI, Vite plugin, webpack plugin): finding
// `secretgate.config.{json,mjs,js}`, validating it strictly (a typo must not silently turn a
// check off), merging the front end's own options on top, and the fail policy helpers.
const fs = require('node:fs')
const path = require('node:path')
const { pathToFileURL } = require('node:url')

const CONFIG_NAMES = ['secretgate.config.json', 'secretgate.config.mjs', 'secretgate.config.js']
const SEVERITIES = ['error', 'warning', 'info']
const RULE_LEVELS = ['off', ...SEVERITIES]

/**
 * Env var name prefixes meant to be public: the usual front-end tools expose variables with these
 * prefixes to the browser on purpose, so their values are not "known secrets". Plain prefixes
 * (`name.startsWith(prefix)`); the config's `publicEnv` adds name globs beside them.
 */
const DEFAULT_PUBLIC_ENV = Object.freeze([
  'VITE_', // Vite
  'NEXT_PUBLIC_', // Next.js
  'REACT_APP_', // Create React App
  'NUXT_PUBLIC_', 'NUXT_ENV_', // Nuxt 3 / Nuxt 2
  'PUBLIC_', // SvelteKit, Astro
  'EXPO_PUBLIC_', // Expo
  'GATSBY_', // Gatsby
  'VUE_APP_', // Vue CLI
  'STORYBOOK_', // Storybook
  'REDWOOD_ENV_', // RedwoodJS
  'SANITY_STUDIO_', // Sanity Studio
])

/** Whole names that bundlers inline as build-mode flags, never secrets. */
const DEFAULT_PUBLIC_ENV_NAMES = Object.freeze(['NODE_ENV', 'MODE', 'DEV', 'PROD', 'SSR', 'BASE_URL'])

class ConfigError extends Error {
  constructor(message, { file = null, key = null } = {}) {
    super(message)
    this.name = 'ConfigError'
    this.code = 'SECRETGATE_CONFIG'
    this.file = file
    this.key = key
  }
}

function defaultConfig() {
  return { ignore: [], rules: {}, allow: [], failOn: 'error', publicEnv: [], serverOutput: [], configPath: null }
}

const KEYS = {
  $schema: 'string',
  ignore: 'globs',
  rules: 'rules',
  allow: 'allow',
  failOn: 'severity',
  publicEnv: 'globs',
  serverOutput: 'globs',
}

function typeName(v) {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`
}

/**
 * What an invalid value looks like, for an error message: its type and, for a string, its length
 * and at most its first 4 characters. Never the value itself: a secret pasted into the wrong
 * field would otherwise land whole in CI logs (and a 1 MiB value in a 1 MiB message).
 */
function describeValue(v) {
  if (typeof v !== 'string') return typeName(v)
  const chars = Array.from(v)
  if (chars.length === 0) return 'an empty string'
  const head = chars.slice(0, 4).join('')
  return `a string of ${chars.length} character${chars.length === 1 ? '' : 's'} (${JSON.stringify(head)}${chars.length > 4 ? '\u2026' : ''})`
}

/**
 * A name from the config (an option, a rule id, an allow-entry key) as an error message shows it:
 * whole when it reads like an option or rule id (`failOn`, `stripe-secret-key`), else only its
 * length and first characters, like a value: a token pasted as a key is still a token.
 */
// words of letters with at most a short number inside (`auth0`, `smtp2go`, `base64`), joined by dashes
const PLAIN_NAME = /^[a-z$_][A-Za-z$_]*[0-9]{0,3}[A-Za-z]*(?:-(?:[A-Za-z]+[0-9]{0,3}[A-Za-z]*|[0-9]{1,3}))*$/

function shownName(name) {
  const plain = typeof name === 'string' && name.length <= 48 && PLAIN_NAME.test(name) &&
    name.split('-').every((word) => word.length <= 24) && (name.match(/[0-9]+/g) || []).length <= 2
  return plain ? name : `<${describeValue(name)}>`
}

/**
 * Validate a config object (from a file or a front end's options) and return a normalised copy
 * holding only the keys it set. `source` names where it came from, for error messages.
 */
function validateConfig(raw, source) {
  const fail = (key, msg) => {
    throw new ConfigError(`${source}: ${key ? `"${key}" ` : ''}${msg}`, { file: source, key })
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(null, `must be an object, got ${typeName(raw)}`)
  const out = {}
  for (const key of Object.keys(raw)) {
    const value = raw[key]
    if (value === undefined) continue // a front end passing `{ ignore: options.ignore }` unset
    const kind = KEYS[key]
    if (!kind) {
      fail(shownName(key), `is not a known option (known: ${Object.keys(KEYS).filter((k) => k !== '$schema').join(', ')})`)
    }
    switch (kind) {
      case 'string':
        if (typeof value !== 'string') fail(key, `must be a string, got ${typeName(value)}`)
        break
      case 'severity':
        if (!SEVERITIES.includes(value)) fail(key, `must be one of ${SEVERITIES.join(', ')}, got ${describeValue(value)}`)
        out[key] = value
        break
      case 'globs':
        if (!Array.isArray(value)) fail(key, `must be an array of glob strings, got ${typeName(value)}`)
        value.forEach((g, i) => {
          if (typeof g !== 'string' || g.trim() === '') fail(`${key}[${i}]`, `must be a non-empty string, got ${typeName(g)}`)
        })
        out[key] = value.slice()
        break
      case 'rules': {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          fail(key, `must be an object mapping rule ids to ${RULE_LEVELS.join('|')}, got ${typeName(value)}`)
        }
        const rules = {}
        for (const [id, level] of Object.entries(value)) {
          if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) fail(`${key}.${shownName(id)}`, 'is not a valid rule id (lower-case letters, digits and dashes)')
          if (!RULE_LEVELS.includes(level)) fail(`${key}.${shownName(id)}`, `must be one of ${RULE_LEVELS.join(', ')}, got ${describeValue(level)}`)
          rules[id] = level
        }
        out[key] = rules
        break
      }
      case 'allow': {
        if (!Array.isArray(value)) fail(key, `must be an array of { fingerprint, reason } or { rule, file?, context?, reason } entries, got ${typeName(value)}`)
        out[key] = value.map((entry, i) => validateAllowEntry(entry, `${key}[${i}]`, fail))
        break
      }
    }
  }
  return out
}

function validateAllowEntry(entry, where, fail) {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) fail(where, `must be an object, got ${typeName(entry)}`)
  const isFingerprint = 'fingerprint' in entry
  const allowed = isFingerprint ? ['fingerprint', 'reason'] : ['rule', 'file', 'context', 'reason']
  for (const k of Object.keys(entry)) {
    if (!allowed.includes(k)) {
      fail(`${where}.${shownName(k)}`, isFingerprint
        ? 'is not allowed beside "fingerprint" (an entry is { fingerprint, reason })'
        : 'is not a known key (an entry is { fingerprint, reason } or { rule, file?, context?, reason })')
    }
  }
  if (typeof entry.reason !== 'string' || entry.reason.trim() === '') {
    fail(`${where}.reason`, 'is required: say why this finding is allowed')
  }
  if (isFingerprint) {
    if (typeof entry.fingerprint !== 'string' || !/^[0-9a-fA-F]{6,}$/.test(entry.fingerprint)) {
      fail(`${where}.fingerprint`, 'must be the hex fingerprint of a finding (see the json report or a baseline)')
    }
    return { fingerprint: entry.fingerprint.toLowerCase(), reason: entry.reason }
  }
  if (typeof entry.rule !== 'string' || entry.rule.trim() === '') {
    fail(`${where}`, 'needs "fingerprint" or "rule"')
  }
  const out = { rule: entry.rule, reason: entry.reason }
  for (const k of ['file', 'context']) {
    if (entry[k] === undefined) continue
    if (typeof entry[k] !== 'string' || entry[k].trim() === '') fail(`${where}.${k}`, `must be a non-empty glob string, got ${typeName(entry[k])}`)
    out[k] = entry[k]
  }
  return out
}

/** The config file that applies to `cwd`: the nearest `secretgate.config.*` upward, or null. */
function findConfigFile(cwd) {
  let dir = path.resolve(cwd)
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const candidate = path.join(dir, name)
      try {
        if (fs.statSync(candidate).isFile()) return candidate
      } catch {}
    }
    const parent = path.dirname(dir)
    if (parent === dir) return null
    dir = parent
  }
}

async function readConfigFile(file) {
  if (file.endsWith('.json')) {
    let text
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch (err) {
      throw new ConfigError(`${file}: cannot read config file (${err.code || err.message})`, { file })
    }
    try {
      return JSON.parse(text.replace(/^\uFEFF/, ''))
    } catch (err) {
      throw new ConfigError(`${file}: invalid JSON (${err.message})`, { file })
    }
  }
  if (!fs.existsSync(file)) throw new ConfigError(`${file}: config file not found`, { file })
  let mod
  try {
    mod = await import(pathToFileURL(file).href)
  } catch (err) {
    throw new ConfigError(`${file}: cannot load config module (${String(err && err.message).split('\n')[0]})`, { file })
  }
  // `export default {...}` or `module.exports = {...}` (which import() exposes as `default`)
  const value = mod && 'default' in mod ? mod.default : mod
  return typeof value === 'function' ? await value() : value
}

/**
 * Find, load and validate the config, then merge `overrides` (a front end's own options) on top:
 * objects (`rules`) merge key by key, everything else is replaced by the override.
 */
async function loadConfig({ cwd = process.cwd(), configFile = null, overrides = {} } = {}) {
  const config = defaultConfig()
  let file = null
  if (configFile) {
    file = path.resolve(cwd, configFile)
    if (!fs.existsSync(file)) throw new ConfigError(`${file}: config file not found`, { file })
  } else {
    file = findConfigFile(cwd)
  }
  if (file) {
    const raw = await readConfigFile(file)
    Object.assign(config, validateConfig(raw, file))
    config.configPath = file
  }
  if (overrides && Object.keys(overrides).length > 0) {
    const valid = validateConfig(overrides, 'secretgate options')
    for (const [key, value] of Object.entries(valid)) {
      config[key] = key === 'rules' ? { ...config.rules, ...value } : value
    }
  }
  return config
}

const RANK = { off: 0, info: 1, warning: 2, error: 3 }

/** error 3 > warning 2 > info 1 > off 0 (unknown: 0). */
function severityRank(sev) {
  return RANK[sev] || 0
}

/** Does this finding fail a build at level `failOn`? Suppressed findings never do. */
function failsAt(finding, failOn = 'error') {
  if (!finding || finding.suppressed) return false
  return severityRank(finding.severity) >= severityRank(failOn)
}

/**
 * Apply `rules` overrides to findings made outside the core (e.g. the CLI's deploy checks) or
 * after it: 'off' drops a finding, a severity replaces its own.
 */
function applyRuleLevels(findings, rules) {
  if (!rules || Object.keys(rules).length === 0) return findings
  const out = []
  for (const f of findings) {
    const level = rules[f.ruleId]
    if (level === 'off') continue
    out.push(level && level !== f.severity ? { ...f, severity: level } : f)
  }
  return out
}

/** Is an env var with this name meant to be public (defaults plus the config's `publicEnv`)? */
function isPublicEnvName(name, config) {
  const { matchGlob } = require('./glob.js')
  if (DEFAULT_PUBLIC_ENV.some((prefix) => name.startsWith(prefix))) return true
  if (DEFAULT_PUBLIC_ENV_NAMES.includes(name)) return true
  return ((config && config.publicEnv) || []).some((p) => matchGlob(p, name))
}

module.exports = {
  loadConfig,
  describeValue,
  shownName,
  validateConfig,
  findConfigFile,
  ConfigError,
  DEFAULT_PUBLIC_ENV,
  DEFAULT_PUBLIC_ENV_NAMES,
  CONFIG_NAMES,
  severityRank,
  failsAt,
  applyRuleLevels,
  isPublicEnvName,
}
