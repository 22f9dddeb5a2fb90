'use strict'
// What the build's environment can put into a bundle, shared by the Vite and webpack plugins
// ("one module, two bundlers"): which env variable names are public or secret, which values must
// never ship (the core's `knownSecrets`), how each variable got into the output (a prefix, a
// `define`/DefinePlugin entry, EnvironmentPlugin), and turning the core's `env-value` hits into
// findings that name the variable. Nothing here knows a bundler: callers pass plain data.
const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const { DEFAULT_PUBLIC_ENV, DEFAULT_PUBLIC_ENV_NAMES } = require('./config.js')
const { matchGlob } = require('./glob.js')

/** Names that say "secret": SECRET, PRIVATE, PASSWORD, TOKEN, CREDENTIAL, and a KEY part. */
const SECRET_WORD_RE = /SECRET|PRIVATE|PASSWORD|PASSWD|PASSPHRASE|TOKEN|CREDENTIAL/i
const KEY_PART_RE = /(?:^|_)(?:API)?KEYS?(?:_|$)|APIKEY|_KEY/i
/** A KEY part next to these words names a key that is meant to be public (Stripe, Supabase). */
const PUBLIC_KEY_WORD_RE = /PUBLIC|PUBLISHABLE|ANON/i

/**
 * Process-environment names that every machine or CI runner sets and that are never secrets; their
 * values (paths, commit hashes, repository names, runner ids) may legitimately appear in a bundle.
 * Only consulted for variables that come from `process.env` and are not named like a secret:
 * a `.env` file's variables, and anything named like a secret, are always candidates.
 */
const PROCESS_ENV_NOT_SECRET = [
  /^(?:PATH|HOME|PWD|OLDPWD|SHELL|USER|USERNAME|LOGNAME|LANG|LANGUAGE|TERM|COLORTERM|HOSTNAME|HOST|SHLVL|_|EDITOR|VISUAL|PAGER|TMPDIR|TMP|TEMP|TZ|MAIL|DISPLAY|MANPATH|INFOPATH|LS_COLORS|LESSOPEN|LESSCLOSE|INIT_CWD|CI|DEBIAN_FRONTEND|CONTINUOUS_INTEGRATION|BUILD_NUMBER|BUILD_ID|BRANCH|COMMIT_REF|DEPLOY_URL|URL|DEPLOY_PRIME_URL|CONTEXT|HEAD|REPOSITORY_URL)$/,
  /^(?:LC|XDG|TERM|NVM|NODE|NPM|npm|YARN|PNPM|COREPACK|VOLTA|BUN|DENO|SSH|GPG|DBUS|WSL|WT|VSCODE|GIT|GITHUB|RUNNER|ACTIONS|CI|GITLAB|VERCEL|NETLIFY|CF_PAGES|RENDER|RAILWAY|HEROKU|CIRCLE|TRAVIS|BUILDKITE|JENKINS|BITBUCKET|DRONE|CODEBUILD|AWS_REGION|AWS_DEFAULT_REGION|JAVA|ANDROID|PYTHON|CONDA|VIRTUAL_ENV|GOPATH|GOROOT|CARGO|RUSTUP|DOCKER|KUBERNETES|HOMEBREW|VITE|VITEST|JEST|MOCHA|PLAYWRIGHT|PUPPETEER|CHROME|FORCE_COLOR|NO_COLOR|DEBUG)(?:_|$)/,
]

/**
 * Is the name that of a secret? SECRET, PRIVATE, PASSWORD, TOKEN, CREDENTIAL anywhere, or a KEY
 * part (`_KEY`, `API_KEY`, `APIKEY`) unless the name also says PUBLIC, PUBLISHABLE or ANON.
 * @param {string} name
 * @returns {boolean}
 */
function isSecretName(name) {
  if (SECRET_WORD_RE.test(name)) return true
  return KEY_PART_RE.test(name) && !PUBLIC_KEY_WORD_RE.test(name)
}

/**
 * Why a variable is public, or null: one of the bundler's exposing prefixes (Vite's `envPrefix`),
 * the usual front-end prefixes (`DEFAULT_PUBLIC_ENV`), build-mode names (`NODE_ENV`, `MODE`...),
 * or a `publicEnv` glob from the config.
 * @param {string} name
 * @param {{ prefixes?: string[], publicEnv?: string[] }} [opts]
 * @returns {string | null} the prefix, name or pattern that makes it public
 */
function publicBy(name, { prefixes = [], publicEnv = [] } = {}) {
  for (const p of prefixes) if (p && name.startsWith(p)) return p
  for (const p of DEFAULT_PUBLIC_ENV) if (name.startsWith(p)) return p
  if (DEFAULT_PUBLIC_ENV_NAMES.includes(name)) return name
  for (const g of publicEnv) if (matchGlob(g, name)) return g
  return null
}

/**
 * Classify an env variable by its name alone.
 * `secret` means "must never ship": not public, or public but named like a secret
 * (`VITE_STRIPE_SECRET_KEY` is exposed by its prefix and still a secret).
 * @param {string} name
 * @param {{ prefixes?: string[], publicEnv?: string[] }} [opts]
 * @returns {{ public: boolean, publicBy: string | null, secretName: boolean, secret: boolean }}
 */
function classifyEnvName(name, opts) {
  const by = publicBy(name, opts)
  const secretName = isSecretName(name)
  return { public: by !== null, publicBy: by, secretName, secret: secretName || by === null }
}

const TRIVIAL_WORDS = new Set([
  'true', 'false', 'yes', 'no', 'on', 'off', 'null', 'undefined', 'none', 'nil', 'enabled', 'disabled',
  'production', 'development', 'test', 'testing', 'staging', 'preview', 'local', 'localhost', 'debug',
  'info', 'warn', 'warning', 'error', 'verbose', 'silent',
])

/**
 * Why a value must not be searched for, or null when it may be: under 8 characters, a boolean or
 * mode word, a number or version, a URL without credentials, a filesystem path. Searching for such
 * values would flag every bundle that prints its version or calls its own API.
 * @param {unknown} value
 * @returns {string | null}
 */
function trivialReason(value) {
  if (typeof value !== 'string') return 'not a string'
  const v = value.trim()
  if (v.length < 8) return 'shorter than 8 characters'
  if (TRIVIAL_WORDS.has(v.toLowerCase())) return 'a common word'
  if (/^[-+]?\d+(?:\.\d+)*(?:[eE][-+]?\d+)?$/.test(v)) return 'a number'
  if (/^v?\d+\.\d+(?:\.\d+)?(?:[-+][\w.-]+)?$/.test(v)) return 'a version'
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return urlHasCredentials(v) ? null : 'a URL without credentials'
  // a path, unless it is a machine-made token (base64 alphabet, random): a base64 key starts
  // with `/` once in 64
  const token = /^[A-Za-z0-9+/=_-]+$/.test(v) && looksRandom(v)
  if (/^(?:\/|~\/|\.\.?\/|[A-Za-z]:[\\/])/.test(v) && !/\s/.test(v.slice(0, 3)) && !token) return 'a filesystem path'
  if (/^(.)\1+$/.test(v)) return 'one repeated character'
  return null
}

function urlHasCredentials(v) {
  let u
  try {
    u = new URL(v)
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]+:[^/@\s]+@/i.test(v)
  }
  if (u.password || (u.username && u.protocol !== 'http:' && u.protocol !== 'https:')) return true
  for (const key of u.searchParams.keys()) if (isSecretName(key.toUpperCase()) || /^(?:key|sig|signature|auth)$/i.test(key)) return true
  return false
}

/**
 * Does a value look machine-made (random), as opposed to a word, a name or a sentence? Used for
 * variables that are not named like secrets: their values are searched only when they look like
 * keys, so `APP_NAME=my-shop` does not flag the page title.
 * @param {string} value
 * @returns {boolean}
 */
function looksRandom(value) {
  const v = value.trim()
  if (v.length < 12 || /\s/.test(v)) return false
  const classes = (/[a-z]/.test(v) ? 1 : 0) + (/[A-Z]/.test(v) ? 1 : 0) + (/[0-9]/.test(v) ? 1 : 0)
  if (classes < 2) return false
  const counts = new Map()
  for (const c of v) counts.set(c, (counts.get(c) || 0) + 1)
  let bits = 0
  for (const n of counts.values()) bits -= (n / v.length) * Math.log2(n / v.length)
  return bits >= 3
}

/**
 * The `.env` files a mode reads, lowest priority first (the convention Vite, dotenv-flow and
 * most front-end tools share): `.env`, `.env.local`, `.env.[mode]`, `.env.[mode].local`.
 * @param {string} mode
 * @param {string} envDir
 * @returns {string[]} absolute paths (existing or not)
 */
function envFilesForMode(mode, envDir) {
  const names = ['.env', '.env.local']
  if (mode) names.push(`.env.${mode}`, `.env.${mode}.local`)
  return names.map((n) => path.join(envDir, n))
}

/**
 * Parse dotenv text (KEY=value lines, `export`, quotes, `#` comments). No `${VAR}` expansion:
 * used to learn where a variable is set; the bundler's own loader gives the final values.
 * @param {string} text
 * @returns {Record<string, string>}
 */
function parseDotenv(text) {
  const out = {}
  const re = /^\s*(?:export\s+)?([\w.-]+)\s*[=:]\s*('(?:\\'|[^'])*'|"(?:\\"|[^"])*"|`(?:\\`|[^`])*`|[^#\r\n]*)?\s*(?:#.*)?$/gm
  let m
  while ((m = re.exec(String(text).replace(/\r\n?/g, '\n'))) !== null) {
    let v = (m[2] || '').trim()
    const q = v[0]
    if ((q === '"' || q === "'" || q === '`') && v.endsWith(q) && v.length >= 2) {
      v = v.slice(1, -1)
      if (q === '"') v = v.replace(/\\n/g, '\n').replace(/\\r/g, '\r')
    }
    out[m[1]] = v
  }
  return out
}

/**
 * Read the mode's `.env` files and say which file sets each variable (the last one wins).
 * @param {string} mode
 * @param {string} envDir
 * @returns {{ vars: Record<string, string>, origins: Record<string, string> }} origins: file name
 */
function readEnvFiles(mode, envDir) {
  const vars = {}
  const origins = {}
  for (const file of envFilesForMode(mode, envDir)) {
    let text
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch {
      continue
    }
    for (const [k, v] of Object.entries(parseDotenv(text))) {
      vars[k] = v
      origins[k] = path.basename(file)
    }
  }
  return { vars, origins }
}

/**
 * The env name a `define`/DefinePlugin key stands for: `process.env.X`, `process.env["X"]`,
 * `import.meta.env.X` give `X`; a plain identifier (`__API_TOKEN__`) gives itself; `process.env`
 * and `import.meta.env` alone give '' (the whole environment); anything else null.
 * @param {string} key
 * @returns {string | null}
 */
function defineKeyName(key) {
  const k = String(key).trim()
  if (/^(?:process\.env|import\.meta\.env)$/.test(k)) return ''
  const m = /^(?:process\.env|import\.meta\.env)(?:\.([A-Za-z_$][\w$]*)|\[\s*(['"`])([^'"`]+)\2\s*\])$/.exec(k)
  if (m) return m[1] || m[3]
  if (/^[A-Za-z_$][\w$]*$/.test(k)) return k
  const member = /\.([A-Za-z_$][\w$]*)$/.exec(k)
  return member ? member[1] : null
}

/** A define value as data: define values are code (usually `JSON.stringify(x)`), or plain values. */
function defineValueData(raw) {
  if (typeof raw !== 'string') return raw
  try {
    return JSON.parse(raw)
  } catch {
    return undefined // an expression (`window.__CFG__`): no value known at build time
  }
}

/**
 * Turn `define` entries (`{ 'process.env.X': JSON.stringify(v), __CFG__: JSON.stringify({...}) }`)
 * into `{ key, name, value }` leaves. Object values are flattened: `{ 'process.env': '{"A":"1"}' }`
 * gives name `A`, `__CFG__` holding `{ apiKey }` gives name `__CFG__.apiKey`. Non-string leaves
 * (numbers, booleans) are skipped.
 * @param {Record<string, unknown>} define
 * @returns {{ key: string, name: string, value: string, nested: boolean }[]}
 */
function defineEntries(define) {
  const out = []
  if (!define || typeof define !== 'object') return out
  for (const [key, raw] of Object.entries(define)) {
    const base = defineKeyName(key)
    const data = defineValueData(raw)
    if (typeof data === 'string') {
      out.push({ key, name: base || key, value: data, nested: false })
    } else if (data && typeof data === 'object') {
      walkLeaves(data, base === null ? key : base, (name, value) => out.push({ key, name, value, nested: true }), 0)
    }
  }
  return out
}

function walkLeaves(obj, prefix, emit, depth) {
  if (depth > 8) return
  for (const [k, v] of Object.entries(obj)) {
    const name = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') emit(name, v)
    else if (v && typeof v === 'object') walkLeaves(v, name, emit, depth + 1)
  }
}

/**
 * @typedef {Object} Exposure how a variable reaches the bundle
 * @property {'prefix' | 'define' | 'plugin' | 'value'} via
 * @property {string} [prefix]   via 'prefix': the exposing prefix (`VITE_`)
 * @property {string} [key]      via 'define': the define key (`process.env.X`)
 * @property {string} [definer]  via 'define': what the user calls it (`define`, `DefinePlugin`)
 * @property {string} [plugin]   via 'plugin': `EnvironmentPlugin` and the like
 */

/**
 * @typedef {Object} EnvVar
 * @property {string} name
 * @property {string} value
 * @property {string} origin       `.env.local`, `process.env`, `define`...
 * @property {boolean} public      exposed on purpose (prefix, publicEnv)
 * @property {string|null} publicBy
 * @property {boolean} secretName
 * @property {boolean} secret      must never ship (see classifyEnvName)
 * @property {string|null} skip    why its value is not searched (trivialReason or 'not random'), or null
 * @property {Exposure[]} exposures
 */

/**
 * Say how a variable got into the bundle, for messages:
 * "VITE_STRIPE_SECRET_KEY is exposed to the browser by the VITE_ prefix; keep it on a server".
 * @param {string} name
 * @param {Exposure[]} exposures
 * @param {{ secret?: boolean, origin?: string }} [opts] secret adds the advice; origin names the
 *   file or source the value came from when no exposure is known
 * @returns {string}
 */
function describeExposure(name, exposures, { secret = false, origin } = {}) {
  const parts = []
  for (const e of exposures || []) {
    if (e.via === 'prefix') parts.push(`exposed to the browser by the ${e.prefix} prefix`)
    else if (e.via === 'define') parts.push(`inlined into the bundle by ${e.definer || 'define'}['${e.key}']`)
    else if (e.via === 'plugin') parts.push(`inlined into the bundle by ${e.plugin}`)
  }
  let text
  if (parts.length > 0) text = `${name} is ${unique(parts).join(' and ')}`
  else text = `the value of ${name}${origin ? ` (from ${origin})` : ''} appears in the output`
  return secret ? `${text}; keep it on a server` : text
}

function unique(list) {
  return [...new Set(list)]
}

/**
 * Gather everything known about the environment a bundle was built in.
 *
 * `sources` are read in order; a later source's value wins, and the first source that set a name
 * gives its origin unless a later one changes the value. `defines` are the bundler's
 * define/DefinePlugin entries (see defineEntries): each adds an exposure to every variable with
 * the same name or value, and becomes a variable itself when no env variable holds its value.
 *
 * @param {Object} opts
 * @param {{ origin: string, vars: Record<string, string|undefined>, processEnv?: boolean }[]} opts.sources
 *   `processEnv: true` marks the machine's environment (well-known system names are not searched)
 * @param {string[]} [opts.prefixes]    the bundler's exposing prefixes (Vite `envPrefix`)
 * @param {string[]} [opts.publicEnv]   the config's `publicEnv` globs
 * @param {Record<string, unknown>} [opts.define]   define/DefinePlugin definitions
 * @param {string} [opts.definer]       'define' (Vite) or 'DefinePlugin' (webpack), for messages
 * @param {{ name: string, plugin: string }[]} [opts.pluginExposures]   e.g. EnvironmentPlugin keys
 * @returns {EnvInfo}
 */
function collectEnv({ sources = [], prefixes = [], publicEnv = [], define = null, definer = 'define', pluginExposures = [] } = {}) {
  /** @type {Map<string, EnvVar>} */
  const vars = new Map()
  const opts = { prefixes, publicEnv }
  for (const src of sources) {
    for (const [name, value] of Object.entries(src.vars || {})) {
      if (typeof value !== 'string') continue
      const prev = vars.get(name)
      if (prev && prev.value === value) continue
      vars.set(name, { name, value, origin: src.origin, processEnv: !!src.processEnv, ...classifyEnvName(name, opts), skip: null, exposures: [] })
    }
  }
  for (const v of vars.values()) {
    const by = prefixes.find((p) => p && v.name.startsWith(p))
    if (by) v.exposures.push({ via: 'prefix', prefix: by })
  }
  for (const { name, plugin } of pluginExposures) {
    const v = vars.get(name)
    if (v) v.exposures.push({ via: 'plugin', plugin })
  }
  const defined = defineEntries(define)
  const byValue = new Map()
  for (const v of vars.values()) if (!byValue.has(v.value)) byValue.set(v.value, [])
  for (const v of vars.values()) byValue.get(v.value).push(v)
  // a define may inline an encoded form of a variable (`btoa(env.X)` computed in the config)
  const byEncoding = new Map()
  for (const v of vars.values()) {
    for (const form of encodings(v.value)) {
      if (!byEncoding.has(form)) byEncoding.set(form, [])
      byEncoding.get(form).push(v)
    }
  }
  for (const d of defined) {
    const exposure = { via: 'define', key: d.key, definer }
    const sameValue = byValue.get(d.value) || byEncoding.get(d.value) || []
    const sameName = vars.get(d.name)
    for (const v of sameValue) v.exposures.push(exposure)
    if (sameName && sameName.value === d.value) continue
    if (sameValue.length > 0) continue
    // a literal in the define itself (or a value computed in the bundler config)
    const cls = classifyEnvName(lastSegment(d.name), opts)
    const v = { name: d.name, value: d.value, origin: definer, processEnv: false, ...cls, public: false, publicBy: null, secret: cls.secretName, skip: null, exposures: [exposure] }
    vars.set(d.name, v)
    if (!byValue.has(v.value)) byValue.set(v.value, [])
    byValue.get(v.value).push(v)
  }
  for (const v of vars.values()) v.skip = skipReason(v)
  return new EnvInfo(vars)
}

/** The forms of a value the core also searches for: base64 (padded or not) and URL-encoded. */
function encodings(value) {
  const b64 = Buffer.from(value, 'utf8').toString('base64')
  return [...new Set([b64, b64.replace(/=+$/, ''), encodeURIComponent(value)])].filter((f) => f !== value)
}

function lastSegment(name) {
  const i = name.lastIndexOf('.')
  return i === -1 ? name : name.slice(i + 1)
}

function skipReason(v) {
  const trivial = trivialReason(v.value)
  if (trivial) return trivial
  if (v.secretName) return null
  if (v.public) return looksRandom(v.value) ? null : 'not random'
  if (v.processEnv && PROCESS_ENV_NOT_SECRET.some((re) => re.test(v.name))) return 'a well-known system variable'
  return looksRandom(v.value) ? null : 'not random'
}

/** A value's best name when several variables hold it: the one the bundle got it through. */
function rankVar(v) {
  return (v.exposures.length > 0 ? 4 : 0) + (v.secret ? 2 : 0) + (v.origin !== 'process.env' ? 1 : 0)
}

/**
 * @typedef {Object} EnvValue one distinct searchable value and what is known about it
 * @property {string} name        the variable that best explains it (the exposed one first)
 * @property {string} value
 * @property {string[]} names     every variable holding it
 * @property {boolean} secret     must never ship: any variable holding it is secret
 * @property {Exposure[]} exposures   every way one of those variables reaches the bundle
 * @property {string} origin
 */

/**
 * Everything collectEnv learned. `knownSecrets` goes to the core as its `knownSecrets` option:
 * every searchable value, public ones included, because a hit on a public value is how a
 * format-rule finding (a `pk_live_` key, a Firebase config) learns its `envVar`; `attribute`
 * then drops the hits on public values and keeps those on secret ones as errors.
 */
class EnvInfo {
  /** @param {Map<string, EnvVar>} vars */
  constructor(vars) {
    this.vars = vars
    /** @type {Map<string, EnvValue>} searchable value -> what is known about it */
    this.values = new Map()
    const groups = new Map()
    for (const v of vars.values()) {
      if (v.skip) continue
      if (!groups.has(v.value)) groups.set(v.value, [])
      groups.get(v.value).push(v)
    }
    for (const [value, list] of groups) {
      list.sort((a, b) => rankVar(b) - rankVar(a))
      const exposures = []
      const seen = new Set()
      for (const v of list) {
        for (const e of v.exposures) {
          const k = JSON.stringify(e)
          if (!seen.has(k)) { seen.add(k); exposures.push(e) }
        }
      }
      this.values.set(value, {
        name: list[0].name,
        value,
        names: list.map((v) => v.name),
        secret: list.some((v) => v.secret),
        exposures,
        origin: list[0].origin,
      })
    }
    // A public value that holds a secret one (or its encoding) would shadow it in the core's
    // leftmost-longest search and hide the secret: such values only name things, drop them.
    const secretForms = [...this.values.values()].filter((r) => r.secret).flatMap((r) => [r.value, ...encodings(r.value)])
    for (const [value, r] of this.values) {
      if (!r.secret && secretForms.some((f) => value.includes(f))) this.values.delete(value)
    }
    /** @type {Map<string, EnvValue>} the name passed to the core -> its value record */
    this.byName = new Map([...this.values.values()].map((r) => [r.name, r]))
  }

  /**
   * The core's `knownSecrets` option: one entry per distinct searchable value. `secret: false`
   * entries only name the variable behind other rules' findings (the core reports no `env-value`
   * hit for them); `secret: true` ones are reported even when no rule knows the format.
   * @returns {{ name: string, value: string, secret: boolean }[]}
   */
  get knownSecrets() {
    return [...this.values.values()].map((r) => ({ name: r.name, value: r.value, secret: r.secret }))
  }

  /** @returns {{ name: string, value: string }[]} the values that must never ship */
  get secrets() {
    return [...this.values.values()].filter((r) => r.secret).map((r) => ({ name: r.name, value: r.value }))
  }

  /** @param {string} name @returns {EnvVar | undefined} */
  get(name) {
    return this.vars.get(name)
  }

  /**
   * The message tail for a variable: how it got in and, for a secret, what to do.
   * "VITE_STRIPE_SECRET_KEY is exposed to the browser by the VITE_ prefix; keep it on a server"
   * @param {string} name
   * @returns {string}
   */
  describe(name) {
    const r = this.byName.get(name)
    const v = this.vars.get(name)
    if (!r && !v) return `the value of ${name} appears in the output`
    const exposures = r ? r.exposures : v.exposures
    const secret = r ? r.secret : v.secret
    let text = describeExposure(name, exposures, { secret: false, origin: (r || v).origin })
    const others = r ? r.names.filter((n) => n !== name && this.vars.get(n) && this.vars.get(n).secret) : []
    if (others.length > 0) text += ` (it holds the value of ${others.join(', ')})`
    return secret ? `${text}; keep it on a server` : text
  }

  /**
   * Apply the env knowledge to one file's findings from the core (run with `knownSecrets` from
   * this object):
   * - a format-rule finding that overlaps an `env-value` hit gets that hit's `envVar` and a message
   *   saying how the variable got in; the rule's own verdict (secret or publishable) stands and
   *   the duplicate `env-value` hit goes;
   * - an `env-value` hit on a secret value stays (an error even when no rule knows the format),
   *   with the message rewritten to name the variable and how it got in;
   * - an `env-value` hit on a public value goes (it only served attribution).
   * Findings are not mutated; changed ones are copies.
   * @param {object[]} findings core findings of ONE scanned file (offsets are compared)
   * @returns {object[]}
   */
  attribute(findings) {
    const hits = []
    const out = []
    for (const f of findings) {
      if (f.ruleId === 'env-value') hits.push(f)
      else out.push(f.envVar ? this.withEnvMessage(f, f.envVar) : f)
    }
    for (const hit of hits) {
      const name = hit.envVar
      let merged = false
      for (let i = 0; i < out.length; i++) {
        const g = out[i]
        if (g.ruleId === 'env-value' || g.file !== hit.file || !(g.start < hit.end && hit.start < g.end)) continue
        merged = true
        if (!g.envVar && name) out[i] = this.withEnvMessage({ ...g, envVar: name }, name)
      }
      if (merged) continue
      const r = name ? this.byName.get(name) : undefined
      const v = name ? this.vars.get(name) : undefined
      const secret = r ? r.secret : !!(v && v.secret)
      if (!secret) continue
      out.push(this.withEnvMessage(hit, name))
    }
    out.sort((a, b) => a.start - b.start || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0))
    return out
  }

  /**
   * Put how the variable got in into a finding's message: in place of the core's "It came from
   * the environment variable X." / "It is the value of X[, encoded ...]." sentence, else before
   * its closing "See docs/rules.md#..." reference, else at the end.
   * @private
   */
  withEnvMessage(f, name) {
    if (!name) return f
    const sentence = capitalize(this.describe(name))
    const message = f.message || ''
    if (message.includes(sentence)) return f
    const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const encoded = new RegExp(`It is the value of ${esc}, encoded[^.]*\\.`)
    const plain = new RegExp(`(?:It came from the environment variable|It is the value of) ${esc}\\.`)
    let next
    if (encoded.test(message)) next = message.replace(encoded, `${sentence} (its value is in the output base64- or URL-encoded).`)
    else if (plain.test(message)) next = message.replace(plain, `${sentence}.`)
    else if (/ See docs\/rules\.md#/.test(message)) next = message.replace(/ See docs\/rules\.md#/, ` ${sentence}. See docs/rules.md#`)
    else next = message ? `${message.replace(/[\s.]*$/, '')}. ${sentence}.` : `${sentence}.`
    return { ...f, message: next }
  }
}

function capitalize(s) {
  return s ? s[0].toUpperCase() + s.slice(1) : s
}

const WHOLESALE_MIN_NAMES = 5
const MACHINE_NAMES = ['PATH', 'HOME', 'PWD', 'SHELL', 'USER', 'HOSTNAME', 'LANG', 'TERM', 'INIT_CWD', 'npm_lifecycle_event']

/**
 * Find define/DefinePlugin entries that inline the whole environment: `process.env` or
 * `import.meta.env` defined as an object, or any entry whose object value holds many env variable
 * names (`JSON.stringify(process.env)`, `{ ...process.env }`, `loadEnv(mode, dir, '')`). Such an
 * entry ships every variable on the build machine, secret or not, whatever the rules find.
 * @param {Record<string, unknown>} define
 * @param {Object} [opts]
 * @param {Iterable<string>} [opts.envNames]  names of the variables the build can see
 * @param {string} [opts.file]     where the define lives (the bundler config), for the finding
 * @param {string} [opts.definer]  'define' or 'DefinePlugin'
 * @returns {object[]} findings with ruleId 'env-wholesale-define' (severity error)
 */
function wholesaleDefineFindings(define, { envNames = [], file = 'vite.config.js', definer = 'define' } = {}) {
  const known = new Set(envNames)
  const out = []
  if (!define || typeof define !== 'object') return out
  let text = null
  for (const [key, raw] of Object.entries(define)) {
    const data = defineValueData(raw)
    if (!data || typeof data !== 'object' || Array.isArray(data)) continue
    const names = Object.keys(data)
    const envHits = names.filter((n) => known.has(n))
    const machine = names.filter((n) => MACHINE_NAMES.includes(n))
    const whole = defineKeyName(key) === ''
    if (!(envHits.length >= WHOLESALE_MIN_NAMES || machine.length >= 2 || (whole && names.length >= WHOLESALE_MIN_NAMES))) continue
    const shown = (envHits.length ? envHits : names).slice(0, 4)
    if (text === null) text = readText(file)
    const loc = locateKey(text, key)
    const secretNames = names.filter(isSecretName)
    out.push({
      ruleId: 'env-wholesale-define',
      provider: 'secretgate',
      severity: 'error',
      kind: 'secret',
      message: `${definer}['${key}'] inlines the whole environment into the bundle (${names.length} variables, among them ${shown.join(', ')}${secretNames.length ? `; ${secretNames.length} named like secrets` : ''}): define only the variables the browser needs, one by one`,
      file,
      line: loc.line,
      column: loc.column,
      endLine: loc.line,
      endColumn: loc.column + (loc.found ? key.length : 0),
      start: loc.offset,
      end: loc.offset + (loc.found ? key.length : 0),
      secret: '',
      fingerprint: crypto.createHash('sha256').update(`env-wholesale-define\0${key}`).digest('hex').slice(0, 16),
      context: key,
      call: null,
      envVar: null,
      original: null,
      suppressed: null,
    })
  }
  return out
}

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

/** Line and column (1-based) of a define key in the bundler config's source, or 1:1. */
function locateKey(text, key) {
  let offset = -1
  for (const form of [`'${key}'`, `"${key}"`, `\`${key}\``, `${key}:`, `[${key}]`]) {
    offset = text.indexOf(form)
    if (offset !== -1) {
      offset += form.startsWith(key) ? 0 : 1
      break
    }
  }
  if (offset === -1) return { line: 1, column: 1, offset: 0, found: false }
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  const column = offset - before.lastIndexOf('\n')
  return { line, column, offset: Buffer.byteLength(before), found: true }
}

/** First use of a define key as an expression (a whole member chain, outside comments). */
function indexOfExpression(text, key) {
  let from = 0
  for (;;) {
    const i = text.indexOf(key, from)
    if (i < 0) return -1
    from = i + 1
    const next = text[i + key.length] || ''
    const prev = i > 0 ? text[i - 1] : ''
    if (/[\w$]/.test(next) || /[\w$.]/.test(prev)) continue
    const lineStart = text.lastIndexOf('\n', i - 1) + 1
    if (/(?:^|[^:])\/\//.test(text.slice(lineStart, i))) continue
    if (text.lastIndexOf('/*', i) > text.lastIndexOf('*/', i)) continue
    return i
  }
}

module.exports = {
  isSecretName,
  indexOfExpression,
  publicBy,
  classifyEnvName,
  trivialReason,
  looksRandom,
  envFilesForMode,
  parseDotenv,
  readEnvFiles,
  defineKeyName,
  defineEntries,
  describeExposure,
  collectEnv,
  EnvInfo,
  wholesaleDefineFindings,
  PROCESS_ENV_NOT_SECRET,
}
