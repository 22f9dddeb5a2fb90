#!/usr/bin/env node
// Shows secretgate failing a real webpack build: generates a fresh fake Stripe secret key (never a
// real one, never committed), puts it in the build's environment the way a CI secret would be, and
// runs the example's production build with webpack-cli. Extra arguments go to webpack-cli (for
// example `--output-path /tmp/out`). Exits 0 only when the build failed AND no written file and no
// line of webpack's output holds the key: the demo doubles as a check.
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { fakeKeys } = require('../../tests/js/helpers/fake-keys.js')

const secretKey = fakeKeys.stripeSecret()
const publishableKey = fakeKeys.stripePublishable()
const extra = process.argv.slice(2)
const outFlag = extra.indexOf('--output-path')
const outDir = outFlag >= 0 ? path.resolve(extra[outFlag + 1]) : path.join(__dirname, 'dist')

const run = spawnSync(
  process.execPath,
  [require.resolve('webpack-cli/bin/cli.js'), '--mode', 'production', ...extra],
  {
    cwd: __dirname,
    encoding: 'utf8',
    env: { ...process.env, STRIPE_SECRET_KEY: secretKey, STRIPE_PUBLISHABLE_KEY: publishableKey },
  },
)
process.stdout.write(run.stdout)
process.stderr.write(run.stderr)

function filesHolding(dir, needle) {
  if (!fs.existsSync(dir)) return []
  const hits = []
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath ?? entry.path, entry.name)
    if (fs.readFileSync(file).includes(needle)) hits.push(file)
  }
  return hits
}

const leakedFiles = filesHolding(outDir, secretKey)
const leakedOutput = (run.stdout + run.stderr).includes(secretKey)
console.log('\n--- build-with-fake-key ---')
console.log(`webpack exit status: ${run.status} (${run.status === 0 ? 'build passed: the gate did not fire' : 'build failed'})`)
console.log(`files under ${path.relative(process.cwd(), outDir) || '.'} holding the key: ${leakedFiles.length}`)
console.log(`key printed in webpack's output: ${leakedOutput ? 'yes' : 'no'}`)
process.exitCode = run.status !== 0 && leakedFiles.length === 0 && !leakedOutput ? 0 : 1
