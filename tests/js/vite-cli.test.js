'use strict'
// The Vite plugin through Vite's own command line (examples/vite-app, whose vite.config.mjs
// imports 'secretgate/vite' by package self-reference) and in `build --watch`.
const { test, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { fakeKeys } = require('./helpers/fake-keys.js')
const { REPO, tempCopy, cleanup, write, recordingLogger, filesUnder, filesHolding } = require('./helpers/vite.js')

after(cleanup)

const APP = path.join(REPO, 'examples', 'vite-app')
const VITE_BIN = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js')

function viteCli(args, env) {
  return spawnSync(process.execPath, [VITE_BIN, ...args], {
    cwd: APP,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 120000,
  })
}

test('vite build of examples/vite-app fails through Vite with the finding, its source line and a masked frame', () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'secretgate-vite-example-'))
  const secret = fakeKeys.stripeSecret()
  const publishable = fakeKeys.stripePublishable()
  try {
    // a CI-style environment variable: no file with the key is written anywhere in the repo
    const run = viteCli(['build', '--outDir', outDir, '--emptyOutDir'], { VITE_STRIPE_SECRET_KEY: secret, VITE_STRIPE_PUBLISHABLE_KEY: publishable })
    const printed = `${run.stdout}\n${run.stderr}`
    assert.notEqual(run.status, 0, 'vite build must exit non-zero')
    // Vite's error block: plugin, file:line:column of the original source, our message, the frame
    assert.match(printed, /\[plugin secretgate\] .*src\/payments\.js:11:\d+/)
    assert.match(printed, /stripe-secret-key: Stripe live secret key/)
    assert.match(printed, /VITE_STRIPE_SECRET_KEY is exposed to the browser by the VITE_ prefix; keep it on a server/)
    assert.match(printed, /> 11 \|\s+Authorization: `Bearer \$\{import\.meta\.env\.VITE_STRIPE_SECRET_KEY\}`,/)
    // the CLI-style summary printed before it, with the info finding for the publishable key
    assert.match(printed, /error stripe-secret-key/)
    assert.match(printed, /from src\/payments\.js:11:/)
    assert.match(printed, /secretgate: 1 error, 0 warnings, 1 info/)
    assert.ok(!printed.includes(secret), 'the raw key is never printed')
    assert.deepEqual(filesHolding(outDir, [secret]), [])
    assert.deepEqual(filesUnder(outDir).map((f) => path.relative(outDir, f)), ['robots.txt'])
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true })
  }
})

test('vite build of examples/vite-app passes without the secret key', () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'secretgate-vite-example-'))
  try {
    const run = viteCli(['build', '--outDir', outDir, '--emptyOutDir'], { VITE_STRIPE_PUBLISHABLE_KEY: fakeKeys.stripePublishable() })
    assert.equal(run.status, 0, run.stderr)
    assert.match(run.stdout + run.stderr, /secretgate: 0 errors, 0 warnings, 1 info/)
    assert.ok(filesUnder(outDir).some((f) => f.endsWith('.js')))
    assert.ok(!filesUnder(outDir).some((f) => f.endsWith('.map')))
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true })
  }
})

test('build --watch: every rebuild is scanned and the watcher survives a failing build', async () => {
  const dir = tempCopy('basic')
  const secret = fakeKeys.stripeSecret()
  const outDir = path.join(dir, 'dist')
  write(dir, 'src/settings.js', `export const settings = { key: '${secret}' }\n`)
  const { build, createLogger } = await import('vite')
  const secretgate = require('../../npm/vite.js')
  const rec = recordingLogger(createLogger)
  const watcher = await build({
    root: dir,
    configFile: false,
    customLogger: rec.logger,
    build: { outDir, emptyOutDir: true, watch: {} },
    plugins: [secretgate()],
  })
  const events = []
  const waiters = []
  watcher.on('event', (e) => {
    if (e.result && typeof e.result.close === 'function') e.result.close()
    events.push(e.code === 'ERROR' ? `ERROR:${/secretgate/.test(String(e.error && e.error.message)) ? 'secretgate' : String(e.error && e.error.message).slice(0, 200)}` : e.code)
    for (const w of waiters.splice(0)) w()
  })
  const waitFor = async (pred, what) => {
    const until = Date.now() + 30000
    while (!pred()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; events: ${events.join(' ')}`)
      await new Promise((r) => { waiters.push(r); setTimeout(r, 200) })
    }
  }
  try {
    await waitFor(() => events.includes('ERROR:secretgate'), 'the first build to fail')
    assert.deepEqual(filesHolding(outDir, [secret]), [])
    // fix the code: the watcher rebuilds, scans again, and this time writes the bundle
    const mark = events.length
    write(dir, 'src/settings.js', "export const settings = { key: 'read it from your server' }\n")
    await waitFor(() => events.slice(mark).includes('BUNDLE_END'), 'a passing rebuild')
    await waitFor(() => filesUnder(outDir).some((f) => f.endsWith('.js')), 'the written bundle')
    // and break it again: failing once more, nothing with the secret written
    const mark2 = events.length
    write(dir, 'src/settings.js', `export const settings = { key: '${secret}' }\n`)
    await waitFor(() => events.slice(mark2).includes('ERROR:secretgate'), 'the second failure')
    assert.deepEqual(filesHolding(outDir, [secret]), [])
    assert.ok(!rec.text().includes(secret))
  } finally {
    await watcher.close()
  }
})
