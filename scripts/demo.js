#!/usr/bin/env node
'use strict'
// The demo (`npm run demo`): the secretgate Vite plugin failing a real `vite build` of
// examples/vite-app. It writes a freshly generated FAKE Stripe secret key into the example's
// `.env.local` (git-ignored; no key is ever committed), runs Vite's own CLI, shows what Vite
// printed, checks that neither the output nor any written file holds the key, removes the
// `.env.local` again (`--keep` leaves it), and exits non-zero: the failed build is the gate working.
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { fakeKeys } = require('../tests/js/helpers/fake-keys.js')

const repo = path.join(__dirname, '..')
const app = path.join(repo, 'examples', 'vite-app')
const envFile = path.join(app, '.env.local')
const outDir = path.join(app, 'dist')
const keep = process.argv.includes('--keep')

const secretKey = fakeKeys.stripeSecret()
const publishableKey = fakeKeys.stripePublishable()

function listFiles(dir) {
  const out = []
  let entries = []
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true })
  } catch {
    return out
  }
  for (const e of entries) {
    const abs = path.join(dir, e.name)
    if (e.isDirectory()) out.push(...listFiles(abs))
    else if (e.isFile()) out.push(abs)
  }
  return out
}

fs.writeFileSync(envFile, [
  '# Written by scripts/demo.js: FAKE keys generated just now, not real, never committed.',
  '# The publishable key is fine in a browser; the secret key is the mistake secretgate catches.',
  `VITE_STRIPE_PUBLISHABLE_KEY=${publishableKey}`,
  `VITE_STRIPE_SECRET_KEY=${secretKey}`,
  '',
].join('\n'))

console.log('secretgate demo')
console.log('  app:   examples/vite-app (a checkout page; src/payments.js reads import.meta.env.VITE_STRIPE_SECRET_KEY)')
console.log('  env:   examples/vite-app/.env.local with a freshly generated FAKE Stripe secret key (sk_live_…)')
console.log('  build: vite build, with secretgate() in vite.config.mjs\n')

let run
try {
  const viteBin = path.join(path.dirname(require.resolve('vite/package.json', { paths: [app] })), 'bin', 'vite.js')
  run = spawnSync(process.execPath, [viteBin, 'build'], {
    cwd: app,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: process.env.NO_COLOR || (process.stdout.isTTY ? '' : '1') },
  })
} finally {
  if (!keep) fs.rmSync(envFile, { force: true })
}
const printed = `${run.stdout || ''}${run.stderr || ''}`
// both streams through stdout, in order: Vite prints the summary on stdout, the error on stderr
process.stdout.write(run.stdout || '')
process.stdout.write(run.stderr || '')

const leakedInOutput = printed.includes(secretKey)
const leakedFiles = listFiles(outDir).filter((f) => fs.readFileSync(f).includes(secretKey))
console.log('')
if (run.error) {
  console.error(`demo: could not run vite: ${run.error.message}`)
  process.exit(2)
}
if (leakedInOutput || leakedFiles.length > 0) {
  console.error('demo: PROBLEM: the fake secret key appears in ' +
    [leakedInOutput ? "Vite's output" : null, ...leakedFiles.map((f) => path.relative(repo, f))].filter(Boolean).join(', '))
  process.exit(3)
}
if (run.status === 0) {
  console.error('demo: PROBLEM: the build passed, so secretgate did not stop the secret key from shipping.')
  process.exit(4)
}
const written = listFiles(outDir).map((f) => path.relative(outDir, f).split(path.sep).join('/'))
console.log(`Checked: the key is in none of Vite's output, and examples/vite-app/dist holds ${written.length ? `only ${written.join(', ')} (copied from public/ after secretgate checked it)` : 'nothing'}: no bundle file was written.`)
if (keep) console.log('examples/vite-app/.env.local was kept (--keep): run `npx vite build` there to see it again.')
console.log(`That failed build (exit code ${run.status}) is secretgate working: it found the Stripe secret key that VITE_STRIPE_SECRET_KEY would have shipped to every browser, and stopped Vite before the bundle was written.`)
process.exit(1)
