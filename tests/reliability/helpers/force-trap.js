'use strict'
// Preload (`node -r`, also loaded in worker threads) and in-process hook for the trap tests: the
// real core is made to trap on files whose name contains `trap-me`, by lifting its nesting guard
// (`maxDepth: 1e9`) for them only. Their content nests far deeper than the .wasm survives, so the
// WebAssembly instance really exhausts its stack: nothing is simulated past this option. Each
// trap seen is appended to the file named by SECRETGATE_TEST_TRAP_LOG, as proof it happened.
const fs = require('node:fs')
const path = require('node:path')

const { Scanner } = require(path.join(__dirname, '..', '..', '..', 'npm', 'index.js'))

if (!Scanner.prototype.__trapHook) {
  const original = Scanner.prototype.scan
  Scanner.prototype.scan = function scan(source, options = {}) {
    const file = options && options.file ? String(options.file) : ''
    if (!/trap-me/.test(file)) return original.call(this, source, options)
    try {
      return original.call(this, source, { ...options, maxDepth: 1e9 })
    } catch (e) {
      const log = process.env.SECRETGATE_TEST_TRAP_LOG
      const real = e && e.cause instanceof Error && /call stack|unreachable|out of bounds/i.test(String(e.cause.message))
      if (log) fs.appendFileSync(log, `${JSON.stringify({ file, code: e.code, real })}\n`)
      throw e
    }
  }
  Scanner.prototype.__trapHook = true
}

/**
 * Source that traps the core once the guard is lifted, with a key after the deep part (without
 * one the core's fast path would not parse at all). Filler lines keep the key out of the code
 * frame a bundler prints when its own parser gives up on the deep line.
 */
function trapSource(key, depth = 100000) {
  return `x=${'('.repeat(depth)}1${')'.repeat(depth)};\n${'//\n'.repeat(6)}const stripeKey = "${key}";\n`
}

module.exports = { trapSource, PRELOAD: __filename }
