#!/usr/bin/env node
// Worst-case input benchmark: times the real .wasm core on 1, 10 and 100 MB of adversarial text
// per rule family (long base64 runs, key prefixes without a body, `eyJ` runs, PEM headers without
// END, `://a:` runs, long quoted strings, escapes, joined strings, HTML without closing tags...)
// and prints a table. Linear code takes about ten times longer for ten times the input; the last
// column flags a step that grows faster. Each case runs in its own process with a time limit, so
// a quadratic case shows as a timeout instead of hanging the run. Not a test: a measurement.
//
// Usage: node scripts/bench-adversarial.js [--sizes 1,10,100] [--only name,name] [--timeout 120]
//        [--json file]
'use strict'

const path = require('node:path')
const { spawnSync } = require('node:child_process')

const ROOT = path.join(__dirname, '..')

// Each family: the file it poses as, and a unit repeated to the size. `unit(i)` may vary.
const FAMILIES = {
  'base64 run (text)': { file: 'a.txt', unit: () => 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkrLw' },
  'base64 run in a JS string': { file: 'a.js', prefix: 'const apiKey = "', suffix: '";', unit: () => 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkrLw' },
  'random base64 (entropy windows)': { file: 'a.txt', unit: (i) => b64ish(i) },
  'sk_live_ without body': { file: 'a.js', unit: () => 'sk_live_' },
  'sk_live_ with short body': { file: 'a.txt', unit: () => 'sk_live_abc ' },
  'ghp_ / github_pat_ prefixes': { file: 'a.txt', unit: () => 'ghp_github_pat_gho_' },
  'AKIA prefixes': { file: 'a.txt', unit: () => 'AKIAAKIA' },
  'xoxb- prefixes': { file: 'a.txt', unit: () => 'xoxb-1-' },
  'AIza prefixes': { file: 'a.txt', unit: () => 'AIzaAIza' },
  'eyJ repeated': { file: 'a.txt', unit: () => 'eyJ' },
  'eyJ...eyJ. (JWT-shaped parts)': { file: 'a.txt', unit: () => 'eyJhbGciOiJIUzI1NiJ9.' },
  'PEM BEGIN without END': { file: 'a.txt', unit: () => '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n' },
  'PEM BEGIN, escaped newlines': { file: 'a.js', unit: () => '"-----BEGIN RSA PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n' },
  '://a: repeated': { file: 'a.txt', unit: () => '://a:' },
  'postgres://u:p without host': { file: 'a.txt', unit: () => 'postgres://user:pass' },
  'long quoted string (JS)': { file: 'a.js', prefix: 'const s = "', suffix: '";', unit: () => 'abcdefghij' },
  'unterminated quote (JS)': { file: 'a.js', prefix: 'const s = "', unit: () => 'abcdefghij' },
  'many short strings (JS)': { file: 'a.js', prefix: 'x=[', suffix: '];', unit: (i) => `"s${i % 9973}abcdef",` },
  'password= repeated': { file: 'a.txt', unit: () => 'password=' },
  'apiKey: " repeated (named, JS)': { file: 'a.js', unit: () => 'apiKey: "' },
  'Bearer repeated': { file: 'a.txt', unit: () => 'Authorization: Bearer ' },
  'Basic + base64': { file: 'a.txt', unit: () => 'Basic YWRtaW46' },
  '\\x41 escapes (JS fast path)': { file: 'a.js', prefix: 's="', suffix: '";', unit: () => '\\x41\\u0042' },
  'joined strings "a"+"b"': { file: 'a.js', prefix: 'x=', suffix: '"";', unit: () => '"abcdefgh"+' },
  'backslashes': { file: 'a.js', unit: () => '\\' },
  'quotes only': { file: 'a.js', unit: () => `"'\`` },
  '<script> without end (HTML)': { file: 'a.html', unit: () => '<script>' },
  '<a href=" unterminated (HTML)': { file: 'a.html', unit: () => '<a href="x' },
  'attributes (HTML)': { file: 'a.html', unit: (i) => `<i data-k${i % 997}="abcdefghijkl">` },
  '[ repeated (JSON)': { file: 'a.json', unit: () => '[' },
  'key-value pairs (JSON)': { file: 'a.json', prefix: '{', suffix: '"z":1}', unit: (i) => `"k${i}":"abcdefghijkl",` },
  'NUL bytes': { file: 'a.js', unit: () => '\0' },
  'invalid UTF-8': { file: 'a.js', unit: () => '\u00ff\u00fe', latin1: true },
  'sourcesContent (map)': { file: 'a.js.map', map: true, unit: () => 'const a = "abcdefgh"; ' },
}

function b64ish(i) {
  // Deterministic, high-entropy, no separators.
  let x = (i * 2654435761) >>> 0
  let s = ''
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  for (let k = 0; k < 32; k++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    s += A[(x >>> 0) % 64]
  }
  return s
}

function parseArgs(argv) {
  const o = { sizes: [1, 10, 100], only: null, timeout: 120, json: null }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--sizes') o.sizes = argv[++i].split(',').map(Number)
    else if (a === '--only') o.only = argv[++i].split(',')
    else if (a === '--timeout') o.timeout = Number(argv[++i])
    else if (a === '--json') o.json = argv[++i]
    else if (a === '--case') o.case = argv[++i]
    else if (a === '--mb') o.mb = Number(argv[++i])
    else if (a === '-h' || a === '--help') {
      console.log(require('node:fs').readFileSync(__filename, 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'))
      process.exit(0)
    } else throw new Error(`unknown option ${a}`)
  }
  return o
}

/** The input for one family at `mb` megabytes. */
function build(f, mb) {
  const target = mb * 1048576
  const parts = [f.prefix || '']
  let size = parts[0].length
  for (let i = 0; size < target; i++) {
    const u = f.unit(i)
    parts.push(u)
    size += u.length
  }
  if (f.suffix) parts.push(f.suffix)
  const text = parts.join('')
  if (f.map) {
    return Buffer.from(JSON.stringify({ version: 3, sources: ['src/a.js'], sourcesContent: [text], names: [], mappings: 'AAAA' }))
  }
  return Buffer.from(text, f.latin1 ? 'latin1' : 'utf8')
}

// Child: time one case.
function runCase(name, mb) {
  const { scan } = require(path.join(ROOT, 'npm', 'index.js'))
  const f = FAMILIES[name]
  scan('warm = 1', { file: f.file })
  const input = build(f, mb)
  const t0 = process.hrtime.bigint()
  const r = scan(input, { file: f.file })
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  process.stdout.write(JSON.stringify({ ms, findings: r.findings.length, notes: [...new Set(r.notes.map((n) => n.code))], rssMb: process.resourceUsage().maxRSS / 1024 }))
}

function main() {
  const o = parseArgs(process.argv.slice(2))
  if (o.case) return runCase(o.case, o.mb)
  const names = Object.keys(FAMILIES).filter((n) => !o.only || o.only.some((x) => n.includes(x)))
  const results = {}
  const header = ['family', ...o.sizes.map((s) => `${s} MB`), 'growth', 'max RSS', 'notes']
  const rows = [header]
  for (const name of names) {
    const times = []
    let rss = 0
    let notes = ''
    for (const mb of o.sizes) {
      const r = spawnSync(process.execPath, ['--max-old-space-size=8192', __filename, '--case', name, '--mb', String(mb)], { encoding: 'utf8', timeout: o.timeout * 1000, maxBuffer: 1 << 20 })
      if (r.error || r.status !== 0) {
        times.push(r.error && r.error.code === 'ETIMEDOUT' ? `> ${o.timeout} s` : `failed: ${(r.stderr || String(r.error)).split('\n').find((l) => /Error|error/.test(l)) || r.status}`)
        break
      }
      const m = JSON.parse(r.stdout)
      times.push(m.ms)
      rss = Math.max(rss, m.rssMb)
      notes = m.notes.join(',')
      process.stderr.write(`${name} @ ${mb} MB: ${m.ms.toFixed(0)} ms\n`)
    }
    // Growth per tenfold step: ~10 is linear; flag anything above 20.
    const steps = []
    for (let i = 1; i < times.length; i++) {
      if (typeof times[i] === 'number' && typeof times[i - 1] === 'number' && times[i - 1] > 0) steps.push((times[i] / times[i - 1]) * (o.sizes[i - 1] / o.sizes[i]) * 10)
    }
    const worst = steps.length ? Math.max(...steps) : null
    const growth = times.some((t) => typeof t === 'string') ? 'NOT LINEAR (limit)' : worst === null ? '-' : `x${worst.toFixed(1)} per 10x${worst > 20 ? '  NOT LINEAR' : ''}`
    results[name] = { times, growth, rssMb: rss, notes }
    rows.push([name, ...o.sizes.map((_, i) => (times[i] === undefined ? '' : typeof times[i] === 'number' ? `${times[i].toFixed(0)} ms` : times[i])), growth, `${rss.toFixed(0)} MB`, notes])
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)))
  for (const r of rows) console.log(r.map((c, i) => String(c).padEnd(widths[i])).join('  '))
  if (o.json) require('node:fs').writeFileSync(o.json, JSON.stringify({ sizes: o.sizes, results }, null, 2))
}

main()
