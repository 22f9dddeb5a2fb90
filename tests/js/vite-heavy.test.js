// A real app with heavy dependencies (Chart.js and Mapbox GL JS, a few MB of minified output)
// builds through the Vite plugin without an error or warning: the gate stays quiet on real
// libraries, and a publishable Mapbox token is reported as info only.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { tempCopy, write, runBuild, filesUnder, cleanup } = require('./helpers/vite.js')
const { randomFrom, BASE62 } = require('./helpers/fake-keys.js')

test.after(cleanup)

const outFiles = (r) => filesUnder(r.outDir).map((f) => path.relative(r.outDir, f).split(path.sep).join('/'))
const findingsOf = (r) => (r.report && r.report.findings) || []

test('an app bundling Chart.js and Mapbox GL JS passes, with the public token as info', { timeout: 240000 }, async () => {
  const dir = tempCopy('heavy-app')
  const payload = Buffer.from(JSON.stringify({ u: 'fakeuser', a: randomFrom('abcdefghijklmnopqrstuvwxyz0123456789', 25) })).toString('base64url')
  const token = `pk.${payload}.${randomFrom(BASE62, 22)}`
  write(dir, '.env', `VITE_MAPBOX_TOKEN=${token}\n`)
  const r = await runBuild(dir)
  assert.equal(r.error, null, r.error && r.error.message)
  const loud = findingsOf(r).filter((f) => f.severity !== 'info' && !f.suppressed)
  assert.deepEqual(loud.map((f) => `${f.severity} ${f.ruleId} ${f.file}:${f.line} ${f.context}`), [])
  const info = findingsOf(r).filter((f) => f.ruleId === 'mapbox-public-token')
  assert.equal(info.length >= 1, true, 'the public Mapbox token is reported as info')
  assert.equal(info[0].envVar, 'VITE_MAPBOX_TOKEN')
  assert.ok(r.report.stats.bytes > 1_000_000, `only ${r.report.stats.bytes} bytes scanned`)
  assert.ok(outFiles(r).some((f) => /^assets\/index-.*\.js$/.test(f)), 'the bundle was written')
})
