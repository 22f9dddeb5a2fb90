'use strict'
// A replaced WebAssembly instance must be freed: a watch-mode build or a dev server that meets a
// file the core traps on again and again must not grow without bound. Runs in a child process
// with --expose-gc so the measurement is not disturbed by the test runner.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const ROOT = path.join(__dirname, '..', '..')

const child = `
  const path = require('node:path')
  require(${JSON.stringify(path.join(__dirname, 'helpers', 'force-trap.js'))})
  const { trapSource } = require(${JSON.stringify(path.join(__dirname, 'helpers', 'force-trap.js'))})
  const { scan } = require(${JSON.stringify(path.join(ROOT, 'npm', 'index.js'))})
  const key = require(${JSON.stringify(path.join(ROOT, 'tests', 'js', 'helpers', 'fake-keys.js'))}).fakeKeys.stripeSecret()
  const src = trapSource(key)
  const mem = () => { global.gc(); global.gc(); const m = process.memoryUsage(); return m.external + m.arrayBuffers }
  try { scan(src, { file: 'trap-me.js' }) } catch {}
  scan('const a = 1', { file: 'warm.js' })
  const before = mem()
  let traps = 0
  for (let i = 0; i < 30; i++) {
    try { scan(src, { file: 'trap-me.js' }) } catch (e) { if (e.code === 'SECRETGATE_INTERNAL') traps++ }
  }
  scan('const a = 1', { file: 'warm.js' })
  const after = mem()
  const self = require.cache[require.resolve(${JSON.stringify(path.join(ROOT, 'npm', 'index.js'))})]
  const glue = self.children.filter((m) => /secretgate\\.js$/.test(m.id)).length
  console.log(JSON.stringify({ traps, growthMb: (after - before) / 1048576, glueModules: glue }))
`

test('30 traps in a row leave no replaced instance behind', () => {
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', child], { encoding: 'utf8', timeout: 300000 })
  assert.equal(r.status, 0, r.stderr)
  const m = JSON.parse(r.stdout.trim().split('\n').pop())
  assert.equal(m.traps, 30, 'every scan trapped for real')
  assert.ok(m.glueModules <= 1, `${m.glueModules} instances of the glue are still referenced`)
  assert.ok(m.growthMb < 64, `external memory grew by ${m.growthMb.toFixed(0)} MB over 30 traps`)
})

// A deep file can exhaust the core's own shadow stack first ("memory access out of bounds", in
// worker threads and the CLI's workers, whose JS stack is large), which leaves the old instance's
// stack pointer at the bottom. wasm-bindgen frees the old instance's WasmScanner objects from a
// FinalizationRegistry callback when they are collected; that call runs in the broken instance.
// The worker below does what tests/reliability/helpers/measure-depth.js does: a search for the
// deepest `!!!…a` that parses, trapping several times, then five more 100,000-deep scans.
const finalizerChild = `
  const { Worker } = require('node:worker_threads')
  const w = new Worker(\`
    const { scan } = require(${JSON.stringify(path.join(ROOT, 'npm', 'index.js'))})
    const key = require(${JSON.stringify(path.join(ROOT, 'tests', 'js', 'helpers', 'fake-keys.js'))}).fakeKeys.stripeSecret()
    let trapped = 0
    const survives = (n) => {
      try {
        scan('x=' + '!'.repeat(n) + 'a;\\\\nconst stripeKey = "' + key + '";\\\\n', { file: 'deep.js', maxDepth: 1e9 })
        return true
      } catch (e) {
        if (e.code !== 'SECRETGATE_INTERNAL') throw e
        trapped++
        return false
      }
    }
    let lo = 1, hi = 100000
    while (hi - lo > Math.max(1, lo / 50)) { const mid = Math.floor((lo + hi) / 2); if (survives(mid)) lo = mid; else hi = mid }
    // how many mids trap depends on where the limit falls; these always do
    for (let k = 0; k < 5; k++) survives(100000)
    require('node:worker_threads').parentPort.postMessage({ trapped })
  \`, { eval: true })
  w.on('message', (m) => console.log(JSON.stringify(m)))
  w.on('error', (e) => { console.log(JSON.stringify({ uncaught: String(e && e.stack).split('\\n').slice(0, 4).join(' | ') })); process.exitCode = 3 })
`

test('after traps in a worker thread, collecting the old scanner objects does not crash the thread', () => {
  const r = spawnSync(process.execPath, ['-e', finalizerChild], { encoding: 'utf8', timeout: 300000 })
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l))
  const died = lines.find((l) => l.uncaught)
  assert.equal(died, undefined, `the worker died after its traps: ${died && died.uncaught}`)
  assert.ok(lines.some((l) => l.trapped >= 5), `real traps: ${r.stdout} ${r.stderr}`)
})
