#!/usr/bin/env node
// Measures, for every shape in shapes.js, the deepest nesting the WebAssembly core parses
// without trapping, with the guard lifted (`maxDepth: 1e9`), on this thread and in a worker
// thread (`--worker`). Prints a table; the guard must sit well below the smallest figure.
// Usage: node tests/reliability/helpers/measure-depth.js [--worker] [--max N] [shape names...]
'use strict'
const path = require('node:path')
const { Worker, isMainThread, workerData, parentPort } = require('node:worker_threads')
const { list } = require('./shapes.js')

function measure(names, max) {
  const { scan } = require(path.join(__dirname, '..', '..', '..', 'npm', 'index.js'))
  // A key after the deep part: without one the core's fast path skips parsing altogether.
  const key = require('../../js/helpers/fake-keys.js').fakeKeys.stripeSecret()
  const out = []
  for (const s of list()) {
    if (names.length && !names.includes(s.name)) continue
    const survives = (n) => {
      try {
        scan(`${s.make(n)}\nconst stripeKey = "${key}";\n`, { file: s.file, maxDepth: 1e9 })
        return true
      } catch (e) {
        if (e.code !== 'SECRETGATE_INTERNAL') throw e
        return false
      }
    }
    let result
    if (survives(max)) result = `>= ${max}`
    else {
      let lo = 1
      let hi = max
      while (hi - lo > Math.max(1, lo / 50)) {
        const mid = Math.floor((lo + hi) / 2)
        if (survives(mid)) lo = mid
        else hi = mid
      }
      result = String(lo)
    }
    out.push([s.name, result])
  }
  return out
}

if (isMainThread) {
  const args = process.argv.slice(2)
  const inWorker = args.includes('--worker')
  const maxAt = args.indexOf('--max')
  const max = maxAt >= 0 ? Number(args[maxAt + 1]) : 100000
  const names = args.filter((a, i) => !a.startsWith('--') && (maxAt < 0 || i !== maxAt + 1))
  const print = (rows) => {
    console.log(`${inWorker ? 'worker thread' : 'main thread'}: deepest nesting parsed without a trap (guard lifted)`)
    for (const [name, v] of rows) console.log(`${name.padEnd(20)} ${v}`)
  }
  if (inWorker) {
    // One worker per shape: every trap leaves its instance behind (see docs/reliability.md), so a
    // long search in one worker would run out of memory.
    const all = names.length ? names : require('./shapes.js').list().map((s) => s.name)
    const rows = []
    const next = (i) => {
      if (i >= all.length) return print(rows)
      const w = new Worker(__filename, { workerData: { names: [all[i]], max } })
      w.on('message', (r) => rows.push(...r))
      w.on('error', (e) => {
        rows.push([all[i], `error: ${e.message}`])
      })
      w.on('exit', () => next(i + 1))
    }
    next(0)
  } else print(measure(names, max))
} else {
  parentPort.postMessage(measure(workerData.names, workerData.max))
}
