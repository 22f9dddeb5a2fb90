#!/usr/bin/env node
// Runs the core's cargo-fuzz targets (fuzz/) for a given time each and prints a table of
// executions and crashes: `npm run fuzz -- --seconds 1800`. Seeds holding fake keys are made at
// run time (tests/reliability/helpers/seeds.js); the committed corpus is fuzz/corpus.tar.xz, an
// archive so that no key-shaped input sits in the repository as text. `--save` minimizes the
// working corpus and rewrites that archive. Exit status: 0 clean, 1 a target crashed (the input
// is in fuzz/artifacts/<target>/), 2 the fuzzer could not run.
//
// Options: --seconds N (per target, default 60)  --targets a,b  --jobs N (targets at once,
// default 1)  --save  --nice N (default 10)  --smoke (a CI minute: 6 s per target)
// --keep-going (libFuzzer fork mode: record crashes, timeouts and OOMs and go on fuzzing)
'use strict'

const fs = require('node:fs')
const path = require('node:path')
const { spawn, spawnSync } = require('node:child_process')

const root = path.join(__dirname, '..')
const fuzzDir = path.join(root, 'fuzz')
const corpusDir = path.join(fuzzDir, 'corpus')
const seedDir = path.join(fuzzDir, 'seeds')
const archive = path.join(fuzzDir, 'corpus.tar.xz')
// Budget of the committed corpus (raw bytes per target, before xz): a few hundred KB in all.
const SAVED_BYTES_PER_TARGET = 160 * 1024
const MAX_SAVED_INPUT = 8 * 1024
const TARGETS = ['scan_js', 'scan_html', 'scan_json', 'scan_css', 'scan_sourcemap', 'scan_text', 'bundle_map', 'html_extract', 'scanner_config']

function parseArgs(argv) {
  const o = { seconds: 60, targets: TARGETS, jobs: 1, save: false, nice: 10, keepGoing: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const next = () => {
      const v = argv[++i]
      if (v === undefined) fail(`${a} needs a value`)
      return v
    }
    if (a === '--seconds') o.seconds = Number(next())
    else if (a === '--targets') o.targets = next().split(',').filter(Boolean)
    else if (a === '--jobs') o.jobs = Math.max(1, Number(next()))
    else if (a === '--nice') o.nice = Number(next())
    else if (a === '--save') o.save = true
    else if (a === '--keep-going') o.keepGoing = true
    else if (a === '--smoke') o.seconds = 6
    else if (a === '--help' || a === '-h') {
      console.log(fs.readFileSync(__filename, 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'))
      process.exit(0)
    } else fail(`unknown option ${a}`)
  }
  for (const t of o.targets) if (!TARGETS.includes(t)) fail(`unknown target ${t} (${TARGETS.join(', ')})`)
  if (!(o.seconds > 0)) fail('--seconds must be a positive number')
  return o
}

function fail(msg) {
  console.error(`fuzz: ${msg}`)
  process.exit(2)
}

function have(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  return r.status === 0
}

function writeSeeds() {
  const { seeds } = require('../tests/reliability/helpers/seeds.js')
  fs.rmSync(seedDir, { recursive: true, force: true })
  for (const [target, list] of Object.entries(seeds())) {
    const dir = path.join(seedDir, target)
    fs.mkdirSync(dir, { recursive: true })
    list.forEach((s, i) => fs.writeFileSync(path.join(dir, `seed-${i}`), s))
    fs.mkdirSync(path.join(corpusDir, target), { recursive: true })
  }
}

function unpackCorpus() {
  if (!fs.existsSync(archive)) return
  fs.mkdirSync(corpusDir, { recursive: true })
  const r = spawnSync('tar', ['-xJf', archive, '-C', corpusDir], { stdio: 'inherit' })
  if (r.status !== 0) fail(`cannot unpack ${archive}`)
}

function niceArgs(nice, cmd, args) {
  return nice > 0 && have('nice', ['true']) ? ['nice', ['-n', String(nice), cmd, ...args]] : [cmd, args]
}

function runTarget(target, o) {
  return new Promise((resolve) => {
    const args = ['+nightly', 'fuzz', 'run', '-O', target, path.join(corpusDir, target), path.join(seedDir, target), '--',
      `-max_total_time=${Math.round(o.seconds)}`, '-timeout=25', '-rss_limit_mb=3072', '-print_final_stats=1', '-max_len=65536', '-len_control=200']
    if (o.keepGoing) args.push('-fork=1', '-ignore_crashes=1', '-ignore_timeouts=1', '-ignore_ooms=1')
    const artifacts = path.join(fuzzDir, 'artifacts', target)
    const before = new Set(fs.existsSync(artifacts) ? fs.readdirSync(artifacts) : [])
    const [cmd, full] = niceArgs(o.nice, 'cargo', args)
    const child = spawn(cmd, full, { cwd: fuzzDir, stdio: ['ignore', 'pipe', 'pipe'] })
    let log = ''
    const started = Date.now()
    const keep = (d) => {
      log += d
      if (log.length > 4e6) log = log.slice(-2e6)
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    child.on('close', (code) => {
      const stat = (name) => {
        const m = log.match(new RegExp(`stat::${name}:\\s+(\\d+)`))
        return m ? Number(m[1]) : null
      }
      // Fork mode prints `#N: cov: … oom/timeout/crash: a/b/c` lines instead of final stats.
      const forkLines = [...log.matchAll(/#(\d+): cov: .*?oom\/timeout\/crash: (\d+)\/(\d+)\/(\d+)/g)]
      const last = forkLines[forkLines.length - 1]
      const fresh = fs.existsSync(artifacts) ? fs.readdirSync(artifacts).filter((f) => !before.has(f)) : []
      const crashed = code !== 0 || fresh.length > 0
      const artifact = (log.match(/Test unit written to (\S+)/) || [])[1] || (fresh.length ? path.join(artifacts, fresh[0]) : null)
      const logFile = path.join(fuzzDir, 'artifacts', `${target}.log`)
      fs.mkdirSync(path.dirname(logFile), { recursive: true })
      fs.writeFileSync(logFile, log)
      const execs = stat('number_of_executed_units') ?? (last ? Number(last[1]) : null)
      resolve({ target, seconds: (Date.now() - started) / 1000, execs, peakMb: stat('peak_rss_mb'), crashed, artifact, artifacts: fresh.length, logFile })
    })
  })
}

async function main() {
  const o = parseArgs(process.argv.slice(2))
  if (!have('cargo', ['+nightly', '--version'])) fail('needs a nightly toolchain: rustup toolchain install nightly')
  if (!have('cargo', ['+nightly', 'fuzz', '--version'])) fail('needs cargo-fuzz: cargo install cargo-fuzz')
  unpackCorpus()
  writeSeeds()
  console.error('fuzz: building the targets (cargo +nightly fuzz build -O)')
  const [bcmd, bargs] = niceArgs(o.nice, 'cargo', ['+nightly', 'fuzz', 'build', '-O'])
  const build = spawnSync(bcmd, bargs, { cwd: fuzzDir, stdio: 'inherit' })
  if (build.status !== 0) fail('the fuzz targets do not build')

  const queue = [...o.targets]
  const results = []
  const worker = async () => {
    while (queue.length) {
      const t = queue.shift()
      console.error(`fuzz: ${t} for ${o.seconds} s`)
      results.push(await runTarget(t, o))
    }
  }
  await Promise.all(Array.from({ length: Math.min(o.jobs, o.targets.length) }, worker))
  results.sort((a, b) => TARGETS.indexOf(a.target) - TARGETS.indexOf(b.target))

  if (o.save) saveCorpus(o)

  const rows = [['target', 'seconds', 'executions', 'exec/s', 'peak MB', 'result']]
  for (const r of results) {
    rows.push([r.target, r.seconds.toFixed(0), String(r.execs ?? '?'), r.execs ? (r.execs / r.seconds).toFixed(0) : '?', String(r.peakMb ?? '?'),
      r.crashed ? `CRASH x${r.artifacts || 1} ${r.artifact ? path.relative(root, r.artifact) : `(see ${path.relative(root, r.logFile)})`}` : 'ok'])
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '))
  process.exit(results.some((r) => r.crashed) ? 1 : 0)
}

function saveCorpus(o) {
  for (const t of o.targets) {
    const dir = path.join(corpusDir, t)
    const min = path.join(corpusDir, `${t}.min`)
    fs.rmSync(min, { recursive: true, force: true })
    fs.mkdirSync(min, { recursive: true })
    // Merge the working corpus and the seeds into the smallest set with the same coverage.
    const [cmd, args] = niceArgs(o.nice, 'cargo', ['+nightly', 'fuzz', 'run', '-O', t, min, dir, path.join(seedDir, t), '--', '-merge=1', '-max_len=65536'])
    const r = spawnSync(cmd, args, { cwd: fuzzDir, stdio: ['ignore', 'ignore', 'pipe'] })
    if (r.status !== 0) fail(`cannot minimize the ${t} corpus`)
    fs.rmSync(dir, { recursive: true, force: true })
    fs.renameSync(min, dir)
    // Keep the committed archive small: the smallest inputs of the minimized set, up to a budget.
    const files = fs.readdirSync(dir).map((f) => ({ f, size: fs.statSync(path.join(dir, f)).size })).sort((a, b) => a.size - b.size)
    let total = 0
    for (const { f, size } of files) {
      if (size > MAX_SAVED_INPUT || total + size > SAVED_BYTES_PER_TARGET) fs.rmSync(path.join(dir, f))
      else total += size
    }
  }
  const r = spawnSync('tar', ['-cJf', archive, '--sort=name', '--owner=0', '--group=0', '--mtime=@0', '-C', corpusDir, ...TARGETS.filter((t) => fs.existsSync(path.join(corpusDir, t)))], { stdio: 'inherit' })
  if (r.status !== 0) fail('cannot write the corpus archive')
  console.error(`fuzz: corpus saved to ${path.relative(root, archive)} (${(fs.statSync(archive).size / 1024).toFixed(0)} KiB)`)
}

main().catch((e) => fail(e.stack || String(e)))
