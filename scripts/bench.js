#!/usr/bin/env node
// `npm run bench`: the core's figures, measured now on this machine (never a timed test).
// - .wasm size (raw and gzipped) and the time to load it and be ready for the first scan;
// - single-thread throughput in WebAssembly on the largest minified bundles available (the
//   real-bundle corpus from ../shared/corpus/make_negatives.sh when it exists at
//   $CORPUS or /tmp/secretgate-corpus, else the production builds in node_modules), with the
//   native figure beside it (cargo bench) so the WebAssembly cost is visible.
// Usage: node scripts/bench.js [FILE...]
'use strict'

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const zlib = require('node:zlib')
const { spawnSync } = require('node:child_process')
const { performance } = require('node:perf_hooks')

const root = path.join(__dirname, '..')
const wasmPath = path.join(root, 'npm', 'wasm', 'secretgate_bg.wasm')

function corpusFiles() {
  const corpus = process.env.CORPUS || path.join(os.tmpdir(), 'secretgate-corpus')
  const large = path.join(corpus, 'large')
  if (fs.existsSync(large)) {
    return fs.readdirSync(large).map((f) => path.join(large, f))
      .filter((f) => /\.(m?js)$/.test(f))
      .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)
      .slice(0, 5)
  }
  return [
    'react-dom/cjs/react-dom-client.production.js',
    'vue/dist/vue.global.prod.js',
    'lodash/lodash.min.js',
  ].map((f) => path.join(root, 'node_modules', f)).filter((f) => fs.existsSync(f))
}

function mbps(bytes, ms) {
  return (bytes / 1e6 / (ms / 1000)).toFixed(1)
}

function main() {
  const files = process.argv.slice(2).length ? process.argv.slice(2) : corpusFiles()
  const wasm = fs.readFileSync(wasmPath)
  const gz = zlib.gzipSync(wasm, { level: 9 })
  console.log(`secretgate bench — ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0].model}, ${os.cpus().length} cores, Node ${process.version}`)
  console.log(`.wasm size: ${(wasm.length / 1024).toFixed(0)} KiB (gzipped ${(gz.length / 1024).toFixed(0)} KiB)`)

  // Start-up: a fresh process, timing require + the first (tiny) scan.
  const startup = []
  for (let i = 0; i < 5; i++) {
    const r = spawnSync(process.execPath, ['-e', `
      const t0 = performance.now();
      const { scan } = require(${JSON.stringify(path.join(root, 'npm', 'index.js'))});
      const t1 = performance.now();
      scan('var a = 1', { file: 'a.js' });
      const t2 = performance.now();
      console.log(JSON.stringify({ load: t1 - t0, first: t2 - t1 }))`], { encoding: 'utf8' })
    startup.push(JSON.parse(r.stdout))
  }
  startup.sort((a, b) => a.load + a.first - (b.load + b.first))
  const med = startup[2]
  console.log(`load: ${med.load.toFixed(1)} ms, first scan ready: ${(med.load + med.first).toFixed(1)} ms (median of 5 fresh processes)`)

  const { Scanner } = require(path.join(root, 'npm', 'index.js'))
  const scanner = new Scanner()
  console.log('\nWebAssembly, one thread (best of 5):')
  let totalBytes = 0
  let totalMs = 0
  for (const f of files) {
    const data = fs.readFileSync(f)
    scanner.scan(data, { file: f })
    let best = Infinity
    let findings = 0
    for (let i = 0; i < 5; i++) {
      const t = performance.now()
      const r = scanner.scan(data, { file: f })
      best = Math.min(best, performance.now() - t)
      findings = r.findings.length
    }
    totalBytes += data.length
    totalMs += best
    console.log(`${mbps(data.length, best).padStart(8)} MB/s  ${String(data.length).padStart(9)} bytes  ${String(findings).padStart(3)} findings  ${path.relative(process.cwd(), f)}`)
  }
  console.log(`${mbps(totalBytes, totalMs).padStart(8)} MB/s  overall WebAssembly`)

  console.log('\nNative, one thread (cargo bench, best of 5):')
  const native = spawnSync('cargo', ['bench', '--quiet', '--bench', 'throughput', '--', ...files], { cwd: root, encoding: 'utf8' })
  process.stdout.write(native.stdout.split('\n').map((l) => l.replace(root + '/', '')).join('\n'))
  if (native.status !== 0) process.stderr.write(native.stderr)
}

main()
