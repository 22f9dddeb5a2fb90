#!/usr/bin/env node
// Builds the core into npm/wasm/: installs what a fresh machine lacks (the wasm32 target, the
// wasm-bindgen CLI at the exact version pinned in Cargo.toml), compiles, binds, optimises with the
// npm `binaryen` package's wasm-opt (Debian's old binaryen breaks wasm-bindgen's externref
// table), and finally loads the result to prove it works. Skips everything when the output is
// newer than every input. `--force` rebuilds; `--no-opt` skips wasm-opt.
'use strict'

const { execFileSync, spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.resolve(__dirname, '..')
const outDir = path.join(root, 'npm', 'wasm')
const outWasm = path.join(outDir, 'secretgate_bg.wasm')
const args = new Set(process.argv.slice(2))

function log(msg) {
  process.stderr.write(`[build] ${msg}\n`)
}

function run(cmd, argv, opts = {}) {
  log(`${cmd} ${argv.join(' ')}`)
  const r = spawnSync(cmd, argv, { stdio: 'inherit', cwd: root, ...opts })
  if (r.status !== 0) {
    throw new Error(`${cmd} failed with exit code ${r.status}${r.error ? `: ${r.error.message}` : ''}`)
  }
}

function output(cmd, argv) {
  try {
    return execFileSync(cmd, argv, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  } catch {
    return null
  }
}

function newestMtime(p) {
  const st = fs.statSync(p)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = 0
  for (const e of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)))
  return newest
}

function upToDate() {
  if (args.has('--force') || !fs.existsSync(outWasm)) return false
  const inputs = ['src', 'Cargo.toml', 'Cargo.lock', '.cargo', 'scripts/build-wasm.js']
    .map((p) => path.join(root, p))
    .filter((p) => fs.existsSync(p))
  const newestInput = Math.max(...inputs.map(newestMtime))
  return fs.statSync(outWasm).mtimeMs > newestInput
}

function pinnedBindgenVersion() {
  const toml = fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8')
  const m = toml.match(/wasm-bindgen\s*=\s*\{[^}]*version\s*=\s*"=([0-9.]+)"/)
  if (!m) throw new Error('Cargo.toml must pin wasm-bindgen with an exact "=x.y.z" version')
  return m[1]
}

function ensureTarget() {
  const installed = output('rustup', ['target', 'list', '--installed']) || ''
  if (!installed.split('\n').includes('wasm32-unknown-unknown')) {
    run('rustup', ['target', 'add', 'wasm32-unknown-unknown'])
  }
}

function ensureBindgen(version) {
  const have = output('wasm-bindgen', ['--version'])
  if (have && have.trim().endsWith(version)) return 'wasm-bindgen'
  log(`wasm-bindgen ${version} not found (have: ${have ? have.trim() : 'none'}); installing with cargo`)
  // Not --locked: one locked dependency of the CLI is missing from the registry.
  run('cargo', ['install', 'wasm-bindgen-cli', '--version', version, '--force'])
  return 'wasm-bindgen'
}

function wasmOpt() {
  const bin = path.join(root, 'node_modules', 'binaryen', 'bin', 'wasm-opt')
  return fs.existsSync(bin) ? bin : null
}

/**
 * The glue compiles the .wasm itself on load; it takes the module from npm/wasm-module.js
 * instead (compiled once per thread, or handed over by the CLI to its scanning threads).
 */
function patchGlue() {
  const glue = path.join(outDir, 'secretgate.js')
  const text = fs.readFileSync(glue, 'utf8')
  const compile = "const wasmPath = `${__dirname}/secretgate_bg.wasm`;\nconst wasmBytes = require('fs').readFileSync(wasmPath);\nconst wasmModule = new WebAssembly.Module(wasmBytes);\n"
  if (!text.includes(compile)) {
    throw new Error(`${path.relative(root, glue)}: wasm-bindgen's module loading changed; update patchGlue in scripts/build-wasm.js`)
  }
  fs.writeFileSync(glue, text.replace(compile, "const wasmModule = require('../wasm-module.js').wasmModule();\n"))
}

function verify() {
  // A broken optimisation step must not land: load the final module and scan something.
  const probe = `
    const { scan } = require(${JSON.stringify(path.join(root, 'npm', 'index.js'))});
    const key = 'sk_live_' + 'Zq8Xw2Lr5Tn1Vb7Mc4Kd9Hf3';
    const r = scan('const stripe = "' + key + '";', { file: 'probe.js' });
    if (r.findings.length !== 1 || r.findings[0].ruleId !== 'stripe-secret-key') {
      console.error(JSON.stringify(r)); process.exit(1)
    }`
  run(process.execPath, ['-e', probe])
}

function main() {
  if (upToDate()) {
    log('npm/wasm is up to date')
    return
  }
  ensureTarget()
  const bindgen = ensureBindgen(pinnedBindgenVersion())
  // opt-level "s" for the .wasm: 1.7 MB instead of 2.5 MB after wasm-opt, at the same throughput
  // (measured side by side on the corpus's five largest bundles); native builds keep level 3.
  run('cargo', ['build', '--lib', '--release', '--target', 'wasm32-unknown-unknown', '--features', 'wasm'],
    { env: { ...process.env, CARGO_PROFILE_RELEASE_OPT_LEVEL: 's' } })
  const built = path.join(root, 'target', 'wasm32-unknown-unknown', 'release', 'secretgate.wasm')
  fs.mkdirSync(outDir, { recursive: true })
  run(bindgen, ['--target', 'nodejs', '--out-dir', outDir, '--out-name', 'secretgate', built])
  patchGlue()
  const opt = args.has('--no-opt') ? null : wasmOpt()
  if (opt) {
    const before = fs.statSync(outWasm).size
    // -O3 after opt-level "s": 1.70 MB (-Oz would save 36 KB more; -O3 kept for speed). The flags
    // are what the Rust toolchain emits already. Functions with one caller are inlined into it
    // only up to 200 bytes: plain -O3 folds most of the scan into a few huge functions, which V8
    // compiles with TurboFan on every start (0.7-1.1 s of CPU over the corpus, against 0.55 s),
    // competing with the CLI's two threads, for no faster code. At 50 bytes it is 0.35 s, but the
    // TypeScript parser then takes twice the stack per nested type argument and the nesting
    // guard's margin is gone (tests/reliability/nesting.test.js fails).
    run(opt, [outWasm, '-O3', '--one-caller-inline-max-function-size=200', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
      '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue', '--enable-simd', '-o', outWasm])
    log(`wasm-opt: ${before} -> ${fs.statSync(outWasm).size} bytes`)
  } else {
    log('wasm-opt skipped (node_modules/binaryen missing or --no-opt)')
  }
  verify()
  log(`built ${path.relative(root, outWasm)} (${fs.statSync(outWasm).size} bytes)`)
}

try {
  main()
} catch (e) {
  process.stderr.write(`[build] error: ${e.message}\n`)
  process.exit(1)
}
