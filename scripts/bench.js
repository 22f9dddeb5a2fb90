#!/usr/bin/env node
// `npm run bench`: the core's figures, measured now on this machine (never a timed test).
// - .wasm size (raw and gzipped) and the time to load it and be ready for the first scan;
// - single-thread throughput in WebAssembly on the largest minified bundles available (the
//   real-bundle corpus from ../shared/corpus/make_negatives.sh when it exists at
//   $CORPUS or /tmp/secretgate-corpus, else the production builds in node_modules), with the
//   native figure beside it (cargo bench) so the WebAssembly cost is visible.
// - the CLI over the whole real-bundle corpus (negatives/, ~130 MB), with 1 and 2 jobs, beside
//   the peers that install here (kingfisher, secretlint, detect-secrets; scripts/peers.js): wall
//   time, peak resident memory and findings of each, and our time as a ratio to each (ours and
//   kingfisher: median of BENCH_RUNS=3 alternating runs; the slow peers once);
// - scaling: the CLI on 1x, 2x and 4x copies of the corpus (time per byte should stay flat).
// Usage: node scripts/bench.js [--no-peers] [--no-slow-peers] [--no-cli] [FILE...]
'use strict'

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const zlib = require('node:zlib')
const { spawnSync } = require('node:child_process')
const { performance } = require('node:perf_hooks')

const root = path.join(__dirname, '..')
const { measured, dirBytes } = require('./measure.js')
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
  const argv = process.argv.slice(2)
  const flags = new Set(argv.filter((a) => a.startsWith('--')))
  const given = argv.filter((a) => !a.startsWith('--'))
  const files = given.length ? given : corpusFiles()
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

  if (!flags.has('--no-cli')) cliBench({ peers: !flags.has('--no-peers'), slowPeers: !flags.has('--no-slow-peers') })
}

function cliBench({ peers, slowPeers = true }) {
  const corpus = path.join(process.env.CORPUS || path.join(os.tmpdir(), 'secretgate-corpus'), 'negatives')
  if (!fs.existsSync(corpus)) {
    console.log(`\nCLI: no corpus at ${corpus} (CORPUS=... bash ../shared/corpus/make_negatives.sh)`)
    return
  }
  const bytes = dirBytes(corpus)
  const cli = path.join(root, 'npm', 'cli.js')
  console.log(`\nCLI over the corpus (${corpus}: ${(bytes / 1e6).toFixed(0)} MB), wall time and peak RSS (median of alternating runs for the fast tools):`)
  const rows = []
  const cliArgv = (jobs) => [process.execPath, cli, '.', '--jobs', String(jobs), '--format', 'json', '--fail-on', 'info']
  const ours = (jobs) => {
    const m = measured(cliArgv(jobs), { cwd: corpus })
    let findings = 'error'
    try {
      findings = JSON.parse(m.stdout).findings.length
    } catch {}
    return { name: `secretgate --jobs ${jobs}`, ...m, secs: m.wall / 1000, findings }
  }
  // The fast tools (ours and kingfisher) run RUNS times each, alternating, and show their median
  // run: on a shared 2-core machine one run can be off by a third. Slow peers run once.
  const runs = Math.max(1, Number(process.env.BENCH_RUNS) || 3)
  const median = (list) => list.slice().sort((a, b) => a.secs - b.secs)[Math.floor(list.length / 2)]
  const fast = [() => ours(1), () => ours(2)]
  const slow = []
  if (peers) {
    const { secretlintTool, detectSecretsTool, kingfisherTool } = require('./peers.js')
    const peerRun = (tool) => () => {
      const m = measured([tool.command[0], ...tool.command[1]], { cwd: corpus })
      const res = m.error ? m : tool.parse(m, corpus)
      return { name: tool.name, ...m, secs: m.wall / 1000, findings: res.findings ? res.findings.length : 'error' }
    }
    const kf = kingfisherTool()
    if (kf) fast.push(peerRun(kf))
    if (slowPeers) for (const tool of [secretlintTool(), detectSecretsTool()]) if (tool) slow.push(peerRun(tool))
  }
  const seen = fast.map(() => [])
  for (let r = 0; r < runs; r++) fast.forEach((run, i) => seen[i].push(run()))
  for (const list of seen) rows.push({ ...median(list), runs: list.length })
  for (const run of slow) rows.push({ ...run(), runs: 1 })
  const best = Math.min(...rows.filter((r) => r.name.startsWith('secretgate') && r.secs).map((r) => r.secs))
  console.log('tool                           runs     wall      MB/s   peak RSS  findings  secretgate (best) / tool')
  for (const r of rows) {
    if (r.error) {
      console.log(`${r.name.padEnd(30)} error: ${r.error}`)
      continue
    }
    console.log(`${r.name.padEnd(30)} ${String(r.runs).padStart(4)} ${(r.secs.toFixed(2) + ' s').padStart(8)} ${(bytes / 1e6 / r.secs).toFixed(1).padStart(7)} ${(r.rssMb.toFixed(0) + ' MB').padStart(9)}  ${String(r.findings).padStart(8)}  ${(best / r.secs).toFixed(2)}`)
  }

  // Scaling: 1x, 2x, 4x copies of the corpus in a temporary folder (copies, not links: the CLI
  // reads a file reached twice once).
  console.log('\nScaling (secretgate --jobs 2 on copies of the corpus):')
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-scale-'))
  try {
    for (const n of [1, 2, 4]) {
      while (fs.readdirSync(tmp).length < n) fs.cpSync(corpus, path.join(tmp, `copy${fs.readdirSync(tmp).length}`), { recursive: true })
      const m = measured(cliArgv(2), { cwd: tmp })
      if (m.error) console.log(`  ${n}x: error ${m.error}`)
      else console.log(`  ${n}x  ${((n * bytes) / 1e6).toFixed(0).padStart(5)} MB  ${(m.wall / 1000).toFixed(2).padStart(7)} s  ${((n * bytes) / 1e6 / (m.wall / 1000)).toFixed(1).padStart(6)} MB/s  peak RSS ${m.rssMb.toFixed(0)} MB`)
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

main()
