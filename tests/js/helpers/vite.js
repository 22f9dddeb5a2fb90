'use strict'
// Helpers for the Vite plugin tests: temp copies of the fixture apps under tests/fixtures/vite,
// in-process builds through Vite's JavaScript API with a logger that records everything Vite and
// the plugin print, extra fake-key generators, and checks on what landed in the output folder.
const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { randomFrom, BASE62 } = require('./fake-keys.js')

const REPO = path.join(__dirname, '..', '..', '..')
const FIXTURES = path.join(REPO, 'tests', 'fixtures', 'vite')
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

const temps = []

/** A temp copy of a fixture app, with node_modules linked so bare imports resolve. */
function tempCopy(fixture) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `secretgate-vite-${fixture}-`))
  fs.cpSync(path.join(FIXTURES, fixture), dir, { recursive: true })
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
  temps.push(dir)
  return dir
}

function cleanup() {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
}

function write(dir, rel, text) {
  const file = path.join(dir, rel)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
  return file
}

/** A Vite logger that records instead of printing. */
function recordingLogger(createLogger) {
  const lines = []
  const logger = createLogger('info', { allowClearScreen: false })
  for (const level of ['info', 'warn', 'warnOnce', 'error']) {
    logger[level] = (msg) => {
      lines.push({ level, msg: String(msg) })
    }
  }
  logger.clearScreen = () => {}
  return { logger, lines, text: () => lines.map((l) => l.msg).join('\n') }
}

/**
 * Build `dir` in-process with secretgate(pluginOptions) and `config` merged into the inline
 * config. `vite` names the Vite package to use ('vite' is 8, 'vite7' the previous major).
 * Returns { error, detail (the first rollup/rolldown error entry), logs, outDir, output, report }.
 */
async function runBuild(dir, { plugin = {}, config = {}, reportFile = path.join(dir, 'secretgate-report.json'), vite = 'vite' } = {}) {
  const { build, createLogger } = await import(vite)
  const secretgate = require(path.join(REPO, 'npm', 'vite.js'))
  const rec = recordingLogger(createLogger)
  const outDir = path.join(dir, 'dist')
  const { build: buildConfig = {}, plugins = [], ...rest } = config
  let error = null
  let output = null
  try {
    output = await build({
      root: dir,
      configFile: false,
      logLevel: 'info',
      customLogger: rec.logger,
      ...rest,
      build: { outDir, emptyOutDir: true, ...buildConfig },
      plugins: [secretgate({ report: reportFile, ...plugin }), ...plugins],
    })
  } catch (err) {
    error = err
  }
  let report = null
  try {
    report = JSON.parse(fs.readFileSync(reportFile, 'utf8'))
  } catch {}
  const detail = error && Array.isArray(error.errors) && error.errors[0] ? error.errors[0] : error
  return { error, detail, logs: rec.text(), lines: rec.lines, outDir, output, report }
}

/** Every file under `dir` (absolute paths). */
function filesUnder(dir) {
  const out = []
  let entries = []
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true })
  } catch {
    return out
  }
  for (const e of entries) {
    const abs = path.join(dir, e.name)
    if (e.isDirectory()) out.push(...filesUnder(abs))
    else if (e.isFile()) out.push(abs)
  }
  return out
}

/** Files under `dir` whose bytes hold any of `needles` (also base64-encoded). */
function filesHolding(dir, needles) {
  const forms = needles.flatMap((n) => [n, Buffer.from(n).toString('base64').replace(/=+$/, ''), encodeURIComponent(n)])
  return filesUnder(dir).filter((f) => {
    const bytes = fs.readFileSync(f)
    return forms.some((n) => bytes.includes(n))
  })
}

const more = {
  /** A Google/Firebase browser API key: AIza + 35 chars. */
  googleApiKey: () => 'AIza' + randomFrom(B64URL, 35),
  /** A Supabase-style JWT with the given role (`anon` or `service_role`), random signature. */
  supabaseJwt: (role = 'anon') => {
    const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url')
    const now = Math.floor(Date.now() / 1000)
    const ref = randomFrom('abcdefghijklmnopqrstuvwxyz', 20)
    return `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ iss: 'supabase', ref, role, iat: now, exp: now + 315360000 })}.${randomFrom(B64URL, 43)}`
  },
  /** A random value with no known format (only known-value matching can catch it). */
  opaque: (n = 32) => randomFrom(BASE62, n),
  /** A freshly generated private key in PEM (never used anywhere). */
  privateKeyPem: () => crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
}

module.exports = { REPO, FIXTURES, tempCopy, cleanup, write, runBuild, recordingLogger, filesUnder, filesHolding, more }
