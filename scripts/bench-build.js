#!/usr/bin/env node
// What secretgate adds to a production build (issue 7: at most 3% wall time and 50 MB peak memory
// per plugin). Builds four apps, each in a fresh child process, alternating with and without the
// plugin (ABBA order, so neither side always runs on a warmer machine), and prints the median wall
// time of each side, the overhead, and the median peak RSS of each side:
//   vite-small     examples/vite-app
//   vite-heavy     a dashboard bundling Chart.js and Mapbox GL JS (tests/fixtures/vite/heavy-app)
//   webpack-small  examples/webpack-app (plugin and loader, devtool: 'source-map' as it ships)
//   webpack-heavy  the same dashboard through webpack 5 (plugin and loader, no devtool)
// "paired" is the median of the differences within each back-to-back pair of runs (drift-proof).
// Wall time is measured around the child process (node start-up, bundler import, build, exit),
// as a user sees `vite build`; CPU time (user+system of that process and its threads) is steadier
// on a busy machine. Peak RSS and CPU come from scripts/measure.js (/usr/bin/time, or a python3 wrapper).
// Never a test: it only prints.
//
// Usage: node scripts/bench-build.js [--runs N (default 7)] [--only vite-small,webpack-heavy] [--json]
'use strict'
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { measured } = require('./measure.js')

const REPO = path.join(__dirname, '..')
const CASES = ['vite-small', 'vite-heavy', 'webpack-small', 'webpack-heavy']
// a publishable Mapbox token (fixed, fake): the heavy apps inline it, as real dashboards do, so
// the gate has an info finding to place on every run
const MAPBOX_TOKEN = `pk.${Buffer.from(JSON.stringify({ u: 'benchuser', a: 'c1k2b3e4n5c6h7m8a9r0k1e2r' })).toString('base64url')}.Zq8RkX2mT4vW9yB1nC5dFg`

// ---------------------------------------------------------------------------------------------
// child: one build, then exit

async function child(name, gateOn, outDir) {
  const t0 = process.hrtime.bigint()
  if (name.startsWith('vite')) {
    const root = name === 'vite-small' ? path.join(REPO, 'examples', 'vite-app') : fixtureDir('vite-heavy')
    const { build } = await import('vite')
    const plugins = gateOn ? [require(path.join(REPO, 'npm', 'vite.js'))()] : []
    await build({ root, configFile: false, logLevel: 'silent', plugins, build: { outDir, emptyOutDir: true } })
  } else {
    const webpack = require('webpack')
    const config = name === 'webpack-small' ? webpackSmallConfig(gateOn, outDir) : webpackHeavyConfig(gateOn, outDir)
    const stats = await new Promise((resolve, reject) => webpack(config, (err, s) => (err ? reject(err) : resolve(s))))
    if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }))
  }
  process.stdout.write(`@@build ${Number(process.hrtime.bigint() - t0) / 1e6}\n`)
}

function webpackSmallConfig(gateOn, outDir) {
  process.env.SECRETGATE = gateOn ? 'on' : 'off'
  const dir = path.join(REPO, 'examples', 'webpack-app')
  const config = require(path.join(dir, 'webpack.config.js'))({}, { mode: 'production' })
  return { ...config, output: { ...config.output, path: outDir }, infrastructureLogging: { level: 'none' }, stats: 'none' }
}

function webpackHeavyConfig(gateOn, outDir) {
  const webpack = require('webpack')
  const HtmlWebpackPlugin = require('html-webpack-plugin')
  const dir = fixtureDir('webpack-heavy')
  return {
    mode: 'production',
    context: dir,
    entry: './src/main.js',
    output: { path: outDir, filename: '[name].[contenthash:8].js', clean: true },
    module: { rules: gateOn ? [{ test: /\.[cm]?[jt]sx?$/, exclude: /node_modules/, use: require.resolve(path.join(REPO, 'npm', 'webpack-loader.js')) }] : [] },
    plugins: [
      new HtmlWebpackPlugin({ template: './index.html' }),
      new webpack.DefinePlugin({ 'process.env.MAPBOX_TOKEN': JSON.stringify(process.env.MAPBOX_TOKEN || '') }),
      ...(gateOn ? [new (require(path.join(REPO, 'npm', 'webpack.js')))()] : []),
    ],
    performance: { hints: false },
    infrastructureLogging: { level: 'none' },
    stats: 'none',
  }
}

/** The heavy apps live in a temp folder with node_modules linked (set up once by the parent). */
function fixtureDir(name) {
  return path.join(process.env.SECRETGATE_BENCH_DIR, name)
}

function setUpFixtures(base) {
  const heavy = path.join(REPO, 'tests', 'fixtures', 'vite', 'heavy-app')
  const vite = path.join(base, 'vite-heavy')
  fs.cpSync(heavy, vite, { recursive: true })
  fs.writeFileSync(path.join(vite, '.env'), `VITE_MAPBOX_TOKEN=${MAPBOX_TOKEN}\n`)
  const wp = path.join(base, 'webpack-heavy')
  fs.cpSync(heavy, wp, { recursive: true })
  const main = path.join(wp, 'src', 'main.js')
  fs.writeFileSync(main, fs.readFileSync(main, 'utf8').replace('import.meta.env.VITE_MAPBOX_TOKEN', 'process.env.MAPBOX_TOKEN'))
  // html-webpack-plugin injects the bundle itself: drop Vite's module script
  const html = path.join(wp, 'index.html')
  fs.writeFileSync(html, fs.readFileSync(html, 'utf8').replace(/\s*<script type="module"[^>]*><\/script>/, ''))
  for (const dir of [vite, wp]) fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
}

// ---------------------------------------------------------------------------------------------
// parent: alternate, measure, print

function runOnce(name, gateOn, base) {
  const outDir = fs.mkdtempSync(path.join(base, 'out-'))
  const env = { ...process.env, SECRETGATE_BENCH_DIR: base, MAPBOX_TOKEN }
  const run = measured([process.execPath, __filename, '--child', name, gateOn ? 'on' : 'off', outDir], { cwd: REPO, env, maxBuffer: 64 * 1024 * 1024 })
  fs.rmSync(outDir, { recursive: true, force: true })
  if (run.error || run.status !== 0) throw new Error(`${name} ${gateOn ? 'with' : 'without'} secretgate failed:\n${run.error || run.stdout + run.stderr}`)
  const m = /@@build ([\d.]+)/.exec(run.stdout)
  return { wall: run.wall, build: m ? Number(m[1]) : NaN, cpu: run.cpu, rssMb: run.rssMb }
}

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

function parseArgs(argv) {
  const opts = { runs: 7, only: CASES, json: false, verbose: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--json') opts.json = true
    else if (a === '--verbose') opts.verbose = true
    else if (a === '--runs') opts.runs = Number(argv[++i])
    else if (a === '--only') opts.only = argv[++i].split(',')
    else throw new Error(`unknown argument ${a}`)
  }
  if (!(opts.runs >= 1)) throw new Error('--runs must be a positive number')
  for (const name of opts.only) if (!CASES.includes(name)) throw new Error(`unknown case ${name} (cases: ${CASES.join(', ')})`)
  return opts
}

function main() {
  const opts = parseArgs(process.argv.slice(2))
  const loadBefore = os.loadavg()
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'secretgate-bench-build-'))
  const log = (s) => (opts.json || !opts.verbose ? process.stderr : process.stdout).write(s + '\n')
  const results = []
  try {
    setUpFixtures(base)
    for (const name of opts.only) {
      runOnce(name, true, base) // warm the disk cache; not counted
      const runs = { with: [], without: [] }
      for (let i = 0; i < opts.runs; i++) {
        for (const side of i % 2 ? ['without', 'with'] : ['with', 'without']) {
          const r = runOnce(name, side === 'with', base)
          runs[side].push(r)
          if (opts.verbose) log(`${name} run ${i + 1} ${side.padEnd(7)} wall ${r.wall.toFixed(0)} ms, build ${r.build.toFixed(0)} ms, cpu ${r.cpu.toFixed(0)} ms, peak ${r.rssMb.toFixed(0)} MB`)
        }
      }
      const m = (side, k) => median(runs[side].map((r) => r[k]))
      results.push({
        name,
        runs: opts.runs,
        wallMs: { with: m('with', 'wall'), without: m('without', 'wall') },
        buildMs: { with: m('with', 'build'), without: m('without', 'build') },
        cpuMs: { with: m('with', 'cpu'), without: m('without', 'cpu') },
        peakRssMb: { with: m('with', 'rssMb'), without: m('without', 'rssMb') },
        samples: runs,
      })
      const r = results[results.length - 1]
      r.overheadPct = (r.wallMs.with / r.wallMs.without - 1) * 100
      r.cpuOverheadPct = (r.cpuMs.with / r.cpuMs.without - 1) * 100
      r.extraRssMb = r.peakRssMb.with - r.peakRssMb.without
      // Each iteration runs both sides back to back: the median of those pairs' differences
      // cancels the machine's slow drifts, which move whole medians by 10-30% here.
      const paired = (k) => median(runs.with.map((w, i) => w[k] - runs.without[i][k]))
      r.pairedWallMs = paired('wall')
      r.pairedCpuMs = paired('cpu')
      if (!opts.json) log(`${name}: done`)
    }
  } finally {
    fs.rmSync(base, { recursive: true, force: true })
  }
  const round = (xs) => xs.map((x) => Math.round(x * 100) / 100)
  const machine = { cpus: os.cpus().length, loadBefore: round(loadBefore), loadAfter: round(os.loadavg()), node: process.version }
  if (opts.json) {
    process.stdout.write(JSON.stringify({ machine, results }, null, 2) + '\n')
    return
  }
  const pct = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`
  const ms = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(0)} ms`
  const rows = [['case', 'runs', 'wall with', 'without', 'overhead', 'paired', 'cpu with', 'without', 'overhead', 'paired', 'peak RSS with', 'without', 'extra']]
  for (const r of results) {
    rows.push([
      r.name,
      String(r.runs),
      `${r.wallMs.with.toFixed(0)} ms`,
      `${r.wallMs.without.toFixed(0)} ms`,
      pct(r.overheadPct),
      `${ms(r.pairedWallMs)} (${pct((r.pairedWallMs / r.wallMs.without) * 100)})`,
      `${r.cpuMs.with.toFixed(0)} ms`,
      `${r.cpuMs.without.toFixed(0)} ms`,
      pct(r.cpuOverheadPct),
      `${ms(r.pairedCpuMs)} (${pct((r.pairedCpuMs / r.cpuMs.without) * 100)})`,
      `${r.peakRssMb.with.toFixed(0)} MB`,
      `${r.peakRssMb.without.toFixed(0)} MB`,
      `${r.extraRssMb >= 0 ? '+' : ''}${r.extraRssMb.toFixed(0)} MB`,
    ])
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  for (const row of rows) console.log(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
  console.log(`medians of ${opts.runs} alternating runs per side, fresh process each (paired: median of the differences within each back-to-back pair, as a share of the median without); ${machine.cpus} CPUs, load average ${machine.loadBefore.join(' ')} before, ${machine.loadAfter.join(' ')} after; cpu = user+system of the build process; node ${machine.node}`)
}

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4] === 'on', process.argv[5]).then(
    () => process.exit(0),
    (err) => {
      console.error(err && err.stack ? err.stack : err)
      process.exit(1)
    },
  )
} else {
  main()
}
