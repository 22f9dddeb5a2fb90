'use strict'
// The core's compiled WebAssembly module, once per thread. The glue in npm/wasm (patched by
// scripts/build-wasm.js) takes its module from here, so a fresh instance after a trap compiles
// nothing, and the CLI compiles the module once and hands it to its scanning threads (a
// WebAssembly.Module crosses postMessage): V8 then shares the compiled and optimised code
// between them, instead of each thread compiling and tiering up the same functions.
const fs = require('node:fs')
const path = require('node:path')

const WASM = path.join(__dirname, 'wasm', 'secretgate_bg.wasm')
let compiled = null

/** The module, compiled from the .wasm on first use unless another thread gave it. */
function wasmModule() {
  if (compiled === null) compiled = new WebAssembly.Module(fs.readFileSync(WASM))
  return compiled
}

/** Use a module compiled by another thread (ignored unless it is one). */
function presetWasmModule(module) {
  if (module instanceof WebAssembly.Module) compiled = module
}

module.exports = { wasmModule, presetWasmModule }
