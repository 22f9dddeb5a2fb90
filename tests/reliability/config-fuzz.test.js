'use strict'
// The config reader (npm/config.js) fuzzed from JS with a seeded generator (set SECRETGATE_FUZZ_SEED
// to replay, SECRETGATE_FUZZ_RUNS for more runs): random values, mutations of valid configs, and
// random bytes as secretgate.config.json. Whatever comes in, validation either returns a config
// holding only known keys of the right types or throws a ConfigError naming the file; it never
// throws anything else, never mutates its input and never pollutes Object.prototype.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const apps = require('./helpers/apps.js')

const { validateConfig, loadConfig, ConfigError } = require(path.join(apps.ROOT, 'npm', 'config.js'))

const SEED = Number(process.env.SECRETGATE_FUZZ_SEED || 0x5eC12e7)
const RUNS = Number(process.env.SECRETGATE_FUZZ_RUNS || 20000)

test.after(apps.cleanup)

/** mulberry32: small, fast, seeded. */
function rng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const KEYS = ['ignore', 'rules', 'allow', 'failOn', 'publicEnv', 'serverOutput', '$schema', '__proto__', 'constructor', 'prototype', 'toString', 'ignor', '']
const STRINGS = ['', ' ', 'error', 'warning', 'info', 'off', 'warn', 'generic-secret', 'github-*', '**', '*.js', 'a'.repeat(300), '\u0000', '\ud800', 'ABCDEF', 'abc123', '0x', '__proto__', 'constructor', '../..', '{', '[', '\\']

function value(r, depth = 0) {
  const pick = (xs) => xs[Math.floor(r() * xs.length)]
  const k = Math.floor(r() * (depth > 3 ? 6 : 10))
  switch (k) {
    case 0: return pick(STRINGS)
    case 1: return pick([0, -1, 1.5, NaN, Infinity, 2 ** 53])
    case 2: return pick([true, false, null, undefined])
    case 3: return pick(STRINGS) + Math.floor(r() * 1e6).toString(16)
    case 4: return String.fromCharCode(...Array.from({ length: Math.floor(r() * 8) }, () => Math.floor(r() * 0x10000)))
    case 5: return pick([[], {}, Object.create(null)])
    case 6:
    case 7: return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1))
    default: {
      const o = {}
      for (let i = Math.floor(r() * 5); i > 0; i--) {
        const key = r() < 0.7 ? pick(['fingerprint', 'reason', 'rule', 'file', 'context', ...KEYS]) : pick(STRINGS)
        Object.defineProperty(o, key, { value: value(r, depth + 1), enumerable: true, writable: true, configurable: true })
      }
      return o
    }
  }
}

function randomConfig(r) {
  const pick = (xs) => xs[Math.floor(r() * xs.length)]
  const valid = {
    ignore: ['legacy/**'],
    rules: { 'generic-secret': 'off' },
    allow: [{ fingerprint: 'abcdef12', reason: 'r' }, { rule: 'github-*', file: 'assets/*.js', context: 'headers.*', reason: 'r' }],
    failOn: 'warning',
    publicEnv: ['MY_*'],
    serverOutput: ['server/**'],
  }
  if (r() < 0.3) return value(r)
  // A valid config with a few mutations.
  const c = JSON.parse(JSON.stringify(valid))
  for (let i = Math.floor(r() * 3) + 1; i > 0; i--) {
    const key = pick(KEYS)
    const where = r()
    if (where < 0.4) Object.defineProperty(c, key, { value: value(r), enumerable: true, writable: true, configurable: true })
    else if (where < 0.6) delete c[pick(Object.keys(c))]
    else if (where < 0.8 && Array.isArray(c.allow)) c.allow.push(value(r))
    else if (c.rules && typeof c.rules === 'object') c.rules[pick(STRINGS)] = value(r)
  }
  return c
}

function checkResult(out) {
  const types = { ignore: 'globs', publicEnv: 'globs', serverOutput: 'globs', rules: 'rules', allow: 'allow', failOn: 'severity' }
  for (const [k, v] of Object.entries(out)) {
    assert.ok(k in types, `unexpected key in a validated config: ${k}`)
    if (types[k] === 'globs') assert.ok(Array.isArray(v) && v.every((g) => typeof g === 'string' && g.trim() !== ''), k)
    if (types[k] === 'severity') assert.ok(['error', 'warning', 'info'].includes(v))
    if (types[k] === 'rules') for (const [id, level] of Object.entries(v)) assert.ok(/^[a-z0-9][a-z0-9-]*$/.test(id) && ['off', 'error', 'warning', 'info'].includes(level), `${id}: ${level}`)
    if (types[k] === 'allow') for (const e of v) assert.ok(typeof e.reason === 'string' && e.reason.trim() && (typeof e.fingerprint === 'string' || typeof e.rule === 'string'))
  }
}

test(`validateConfig: ${RUNS} random and mutated configs (seed ${SEED})`, () => {
  const r = rng(SEED)
  let accepted = 0
  let rejected = 0
  for (let i = 0; i < RUNS; i++) {
    const input = randomConfig(r)
    let snapshot
    try {
      snapshot = JSON.stringify(input)
    } catch {}
    let out
    try {
      out = validateConfig(input, 'fuzz.json')
      accepted++
    } catch (e) {
      assert.ok(e instanceof ConfigError, `run ${i}: ${e && e.stack}\ninput: ${snapshot}`)
      assert.equal(e.file, 'fuzz.json')
      assert.ok(e.message.startsWith('fuzz.json'), e.message)
      rejected++
      continue
    }
    checkResult(out)
    if (snapshot !== undefined) assert.equal(JSON.stringify(input), snapshot, 'validation never mutates its input')
    assert.equal(({}).polluted, undefined)
  }
  assert.ok(accepted > RUNS / 50 && rejected > RUNS / 50, `both outcomes exercised: ${accepted} accepted, ${rejected} rejected`)
})

test('secretgate.config.json with random bytes, hostile JSON and prototype keys: ConfigError or a clean config', async () => {
  const r = rng(SEED ^ 0x9e3779b9)
  const dir = apps.tempDir('config-fuzz')
  const file = path.join(dir, 'secretgate.config.json')
  const texts = [
    '', '\uFEFF', '\uFEFF{}', 'null', '[]', '"x"', '{"__proto__": {"polluted": 1}, "rules": {"__proto__": "off"}}',
    '{"constructor": {"prototype": {"polluted": 1}}}', '{"rules": {"constructor": "off"}}', '{"allow": [{"fingerprint": "abcdef", "reason": "r", "__proto__": {"polluted": 1}}]}',
    `{"ignore": ${JSON.stringify(Array.from({ length: 10000 }, (_, i) => `g${i}/**`))}}`, '['.repeat(100000) + ']'.repeat(100000),
  ]
  for (let i = 0; i < 300; i++) texts.push(Buffer.from(Array.from({ length: Math.floor(r() * 64) }, () => Math.floor(r() * 256))).toString('latin1'))
  for (let i = 0; i < 300; i++) texts.push(JSON.stringify(randomConfig(r)) ?? 'null')
  for (const text of texts) {
    fs.writeFileSync(file, text)
    try {
      const c = await loadConfig({ cwd: dir })
      const { configPath, ...rest } = c
      assert.equal(configPath, file)
      checkResult(Object.fromEntries(Object.entries(rest).filter(([k, v]) => !(Array.isArray(v) && v.length === 0) && !(k === 'rules' && Object.keys(v).length === 0) && !(k === 'failOn' && v === 'error'))))
    } catch (e) {
      assert.ok(e instanceof ConfigError, `${JSON.stringify(text.slice(0, 200))}: ${e && e.stack}`)
      assert.ok(e.message.includes(file))
    }
    assert.equal(({}).polluted, undefined, 'no prototype pollution')
  }
})

test('an invalid value is echoed short in the error (a key pasted into the wrong field must not land whole in CI logs)', async () => {
  const dir = apps.tempDir('config-echo')
  const file = path.join(dir, 'secretgate.config.json')
  const token = 'x'.repeat(1 << 20)
  fs.writeFileSync(file, JSON.stringify({ failOn: token }))
  await assert.rejects(loadConfig({ cwd: dir }), (e) => e instanceof ConfigError && e.message.length < 4096 && /"failOn"/.test(e.message) && /1048576 characters/.test(e.message))
  const { fakeKeys } = require('../js/helpers/fake-keys.js')
  const secretish = fakeKeys.githubToken()
  // 12 characters of it anywhere in a message would be too many
  const holdsPart = (msg) => Array.from({ length: secretish.length - 11 }, (_, i) => secretish.slice(i, i + 12)).some((part) => msg.includes(part))
  const cases = [
    { rules: { 'generic-secret': secretish } }, // a token as a rule level
    { failOn: secretish },
    { rules: { [secretish]: 'off' } }, // a token as a rule id
    { rules: { [secretish.toLowerCase().replace(/[^a-z0-9]/g, '')]: 'loud' } }, // a valid-looking id, bad level
    { [secretish]: true }, // a token as an option name
    { allow: [{ rule: 'generic-secret', reason: 'r', [secretish]: 1 }] }, // a token as an entry key
  ]
  for (const config of cases) {
    fs.writeFileSync(file, JSON.stringify(config))
    await assert.rejects(loadConfig({ cwd: dir }), (e) => {
      assert.ok(e instanceof ConfigError, String(e && e.stack))
      assert.ok(!holdsPart(e.message), `the message holds part of the token: ${e.message}`)
      return true
    })
    // the same through a front end's options (the Vite and webpack plugins' own config)
    await assert.rejects(loadConfig({ cwd: apps.tempDir('config-echo-opts'), overrides: config }), (e) => e instanceof ConfigError && !holdsPart(e.message))
  }
  // the message still names the key and says what was wrong with the value
  fs.writeFileSync(file, JSON.stringify({ rules: { 'generic-secret': secretish } }))
  await assert.rejects(loadConfig({ cwd: dir }), (e) => /"rules\.generic-secret" must be one of off, error, warning, info, got a string of \d+ characters \("ghp_"\u2026\)/.test(e.message))
})
