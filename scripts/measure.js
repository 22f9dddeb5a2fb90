'use strict'
// What the benchmarks share for measuring a child process and the files it reads: wall time,
// CPU and peak RSS of one run (scripts/bench.js, scripts/bench-build.js), and a folder's size
// (scripts/bench.js, scripts/bench-quality.js). Never a test: these only print.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

/**
 * How to wrap a command so its peak RSS and CPU land in a file: /usr/bin/time -f '%M %U %S'
 * when present, else a python3 wrapper (resource.getrusage(RUSAGE_CHILDREN)). Either way the
 * figure is the largest single process (for the CLI's worker threads, the whole CLI).
 */
function peakWrapper() {
  if (fs.existsSync('/usr/bin/time')) {
    return (argv, rssFile) => ({ cmd: '/usr/bin/time', args: ['-f', '%M %U %S', '-o', rssFile, ...argv] })
  }
  const py = 'import resource,subprocess,sys\nr=subprocess.call(sys.argv[2:])\nu=resource.getrusage(resource.RUSAGE_CHILDREN)\nopen(sys.argv[1],"w").write("%d %f %f" % (u.ru_maxrss, u.ru_utime, u.ru_stime))\nsys.exit(r)'
  return (argv, rssFile) => ({ cmd: 'python3', args: ['-c', py, rssFile, ...argv] })
}

const wrap = peakWrapper()

/**
 * Runs `argv` (spawnSync `options`: cwd, env...) and returns its `status`, `stdout`, `stderr`,
 * `wall` and `cpu` (user + system) in milliseconds and `rssMb`, or `{ error }` when it could not
 * be measured.
 */
function measured(argv, options = {}) {
  const rssFile = path.join(os.tmpdir(), `sg-measure-${process.pid}`)
  const { cmd, args } = wrap(argv, rssFile)
  const t0 = process.hrtime.bigint()
  const run = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...options })
  const wall = Number(process.hrtime.bigint() - t0) / 1e6
  let figures = null
  try {
    // the last line: time(1) prints a note above it when the command was signalled
    figures = fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number)
  } catch {}
  fs.rmSync(rssFile, { force: true })
  if (!figures || figures.some((x) => !Number.isFinite(x))) return { error: String(run.stderr || run.error || '').slice(-200) }
  const [rssKb, user, system] = figures
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, wall, cpu: (user + system) * 1000, rssMb: rssKb / 1024 }
}

/** Bytes of every file under `dir`. */
function dirBytes(dir) {
  let total = 0
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) total += dirBytes(p)
    else if (e.isFile()) total += fs.statSync(p).size
  }
  return total
}

module.exports = { measured, dirBytes }
