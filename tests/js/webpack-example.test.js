'use strict'
// examples/webpack-app through the real webpack-cli, as its README shows it: clean, the build
// passes; with a fresh fake Stripe secret key in the environment (build-with-fake-key.js) it fails,
// names STRIPE_SECRET_KEY and where the code reads it, and writes nothing that holds the key.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const h = require('./helpers/webpack-harness.js')

const APP = path.join(h.ROOT, 'examples', 'webpack-app')

test.after(h.cleanupTempDirs)

test('examples/webpack-app builds clean without a secret', () => {
  const out = h.tempDir('example-clean')
  const env = { ...process.env }
  delete env.STRIPE_SECRET_KEY
  const run = spawnSync(process.execPath, [require.resolve('webpack-cli/bin/cli.js'), '--mode', 'production', '--output-path', out], { cwd: APP, env, encoding: 'utf8' })
  assert.equal(run.status, 0, run.stdout + run.stderr)
  const files = h.listFiles(out)
  assert.ok(files.includes('index.html'), files.join(', '))
  assert.ok(files.some((f) => /^main\.[0-9a-f]{8}\.js$/.test(f)), files.join(', '))
})

test('examples/webpack-app with a fake key in the environment fails and leaks nothing', () => {
  const out = h.tempDir('example-leak')
  const run = spawnSync(process.execPath, [path.join(APP, 'build-with-fake-key.js'), '--output-path', out], { cwd: APP, encoding: 'utf8' })
  const printed = run.stdout + run.stderr
  // the script exits 0 only when webpack failed AND neither a file nor the output holds the key
  assert.equal(run.status, 0, printed)
  assert.match(printed, /webpack exit status: [1-9]/)
  assert.match(printed, /STRIPE_SECRET_KEY/)
  assert.match(printed, /src\/payments\.js:9/)
  assert.match(printed, /files under .* holding the key: 0/)
  assert.deepEqual(h.listFiles(out), [])
})
