// The Node API: loads the WebAssembly core (npm/wasm, built by scripts/build-wasm.js) and exposes
// `scan` and `Scanner`. It is the only module that touches the .wasm. A trap inside the instance
// (a bug, an exhausted stack) leaves it unusable, so the instance is replaced and the caller gets
// an error naming the file: "could not judge", never "no findings".
'use strict'

const path = require('node:path')
const { performance } = require('node:perf_hooks')

const GLUE = path.join(__dirname, 'wasm', 'secretgate.js')
const { version } = require('../package.json')

let core = null
let generation = 0

function load() {
  if (core === null) {
    // A fresh require of the glue instantiates a fresh module instance. The old module must
    // leave module.children too, or every replaced instance (and its memory) stays reachable.
    const old = require.cache[GLUE]
    delete require.cache[GLUE]
    if (old) {
      const i = module.children.indexOf(old)
      if (i >= 0) module.children.splice(i, 1)
    }
    try {
      core = require(GLUE)
    } catch (e) {
      const err = new Error(`secretgate: cannot load the WebAssembly core (${GLUE}): ${e.message}. Run \`npm run build\` in a checkout, or reinstall the package.`)
      err.code = 'SECRETGATE_LOAD'
      throw err
    }
    generation++
  }
  return core
}

function replaceInstance() {
  core = null
}

// Native scanners are freed through this registry, not wasm-bindgen's own: after a trap the old
// instance is broken, and its `free` called later by wasm-bindgen's FinalizationRegistry would
// throw an uncaught error that kills the thread. A native of a replaced instance is only
// detached (`__destroy_into_raw`), never freed inside the dead instance.
const reclaim = new FinalizationRegistry(({ native, gen }) => {
  if (gen === generation && core !== null) native.free()
  else native.__destroy_into_raw()
})

function toBytes(source) {
  if (typeof source === 'string') return Buffer.from(source, 'utf8')
  if (source instanceof Uint8Array) return source
  if (source instanceof ArrayBuffer) return new Uint8Array(source)
  throw new TypeError('secretgate: scan(source) takes a string, Buffer or Uint8Array')
}

function isTrap(e) {
  return e instanceof WebAssembly.RuntimeError || e instanceof RangeError || (e && /unreachable|out of bounds|call stack/i.test(String(e.message)))
}

function internalError(file, e) {
  const err = new Error(`secretgate could not scan ${file}: internal error in the WebAssembly core (${e && e.message}). The instance was replaced; this file was NOT judged.`)
  err.code = 'SECRETGATE_INTERNAL'
  err.file = file
  err.cause = e
  return err
}

/** Scans many files with one configuration (known env values, rule overrides). */
class Scanner {
  /**
   * @param {{ knownSecrets?: {name: string, value: string, secret?: boolean}[], rules?: Record<string, 'off'|'error'|'warning'|'info'> }} [config]
   */
  constructor(config = {}) {
    this.config = { knownSecrets: config.knownSecrets || [], rules: config.rules || {} }
    this.inner = null
    this.generation = -1
    this.native() // validate the configuration now: a bad rule id is a usage error up front
  }

  native() {
    const c = load()
    if (this.inner === null || this.generation !== generation) {
      try {
        if (this.inner !== null) {
          reclaim.unregister(this)
          // Made on a replaced instance: detach it without calling into that instance.
          this.inner.__destroy_into_raw()
          this.inner = null
        }
        this.inner = new c.WasmScanner(this.config)
        reclaim.register(this, { native: this.inner, gen: generation }, this)
      } catch (e) {
        if (isTrap(e)) replaceInstance()
        const err = new Error(String(e && e.message ? e.message : e))
        err.code = 'SECRETGATE_CONFIG'
        throw err
      }
      this.generation = generation
    }
    return this.inner
  }

  /**
   * @param {string | Uint8Array} source
   * @param {{ file?: string, kind?: string, sourceMap?: string | object, showSecrets?: boolean }} [options]
   */
  scan(source, options = {}) {
    const file = options.file || '<input>'
    const bytes = toBytes(source)
    const sourceMap = options.sourceMap == null ? undefined : typeof options.sourceMap === 'string' ? options.sourceMap : JSON.stringify(options.sourceMap)
    const native = this.native()
    const t0 = performance.now()
    let report
    try {
      report = native.scan(bytes, { file, kind: options.kind, sourceMap, showSecrets: !!options.showSecrets, maxDepth: options.maxDepth, alwaysParse: !!options.alwaysParse, regionFrom: options.regionFrom })
    } catch (e) {
      if (isTrap(e)) {
        replaceInstance()
        throw internalError(file, e)
      }
      const err = new Error(String(e && e.message ? e.message : e))
      err.code = 'SECRETGATE_USAGE'
      throw err
    }
    report.stats.ms = performance.now() - t0
    return report
  }
}

let defaultScanner = null

/**
 * Scans one file. Options may also carry `knownSecrets` and `rules` (a Scanner is built for them).
 */
function scan(source, options = {}) {
  if (options.knownSecrets || options.rules) {
    return new Scanner({ knownSecrets: options.knownSecrets, rules: options.rules }).scan(source, options)
  }
  if (defaultScanner === null) defaultScanner = new Scanner()
  return defaultScanner.scan(source, options)
}

/** Every rule: id, provider, title, kind, default severity, what it allows, remedy. */
function rules() {
  return load().rules()
}

module.exports = { scan, Scanner, rules, version, coreVersion: () => load().version() }
