#!/usr/bin/env node
// Measures what secretgate costs this example: production builds with webpack-cli, alternating
// with and without the plugin and loader (SECRETGATE=off), no key in the environment (a passing
// build), each into a fresh temp folder. Prints every run's wall time and CPU time (user+system of
// the webpack process: steadier than wall time on a busy machine), the medians and their ratios.
// Usage: node measure-build-time.js [runs per side, default 5]
'use strict'
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const runs = Number(process.argv[2]) || 5
const cli = require.resolve('webpack-cli/bin/cli.js')
// the child reports its own CPU time on exit (webpack-cli ends with process.exit)
const CPU_PROBE = 'data:text/javascript,process.on("exit",()=>process.stderr.write("\\n@@cpu "+JSON.stringify(process.cpuUsage())+"\\n"))'

function build(withGate) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'secretgate-webpack-bench-'))
  const env = { ...process.env, SECRETGATE: withGate ? 'on' : 'off' }
  delete env.STRIPE_SECRET_KEY
  const started = process.hrtime.bigint()
  const run = spawnSync(process.execPath, ['--import', CPU_PROBE, cli, '--mode', 'production', '--output-path', out], { cwd: __dirname, env, encoding: 'utf8' })
  const wall = Number(process.hrtime.bigint() - started) / 1e6
  fs.rmSync(out, { recursive: true, force: true })
  if (run.status !== 0) throw new Error(`build ${withGate ? 'with' : 'without'} secretgate failed:\n${run.stdout}${run.stderr}`)
  const probe = /@@cpu (\{.*\})/.exec(run.stderr)
  const usage = probe ? JSON.parse(probe[1]) : { user: NaN, system: NaN }
  return { wall, cpu: (usage.user + usage.system) / 1000 }
}

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

build(true) // warm the disk cache and the wasm file once; not counted
const times = { with: [], without: [] }
for (let i = 0; i < runs; i++) {
  // alternate the order so neither side always runs on a warmer machine
  for (const side of i % 2 ? ['without', 'with'] : ['with', 'without']) {
    const t = build(side === 'with')
    times[side].push(t)
    console.log(`run ${i + 1} ${side.padEnd(7)} wall ${t.wall.toFixed(0)} ms, cpu ${t.cpu.toFixed(0)} ms`)
  }
}
for (const kind of ['wall', 'cpu']) {
  const w = median(times.with.map((t) => t[kind]))
  const wo = median(times.without.map((t) => t[kind]))
  console.log(`median ${kind}: with secretgate ${w.toFixed(0)} ms, without ${wo.toFixed(0)} ms, ratio ${(w / wo).toFixed(3)}`)
}
