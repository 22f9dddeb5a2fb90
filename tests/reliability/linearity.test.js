'use strict'
// Linear time on adversarial input, as ratios (robust on a busy machine): four times the input
// must take well under sixteen times as long. The full table on 1/10/100 MB per rule family is
// `node scripts/bench-adversarial.js`; these are the quick checks, plus the known superlinear
// cases pinned as bugs for the lead.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { fakeKeys } = require('../js/helpers/fake-keys.js')

const { scan } = require(path.join(__dirname, '..', '..', 'npm', 'index.js'))

/** Best of `runs` timings of scanning `input` as `file`, in ms. */
function time(input, file, runs = 2) {
  let best = Infinity
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint()
    scan(input, { file })
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6)
  }
  return best
}

const repeat = (unit, bytes) => unit.repeat(Math.ceil(bytes / unit.length))

// Families that must stay linear: 4x the input, at most 8x the time (linear is 4x; the
// margin absorbs a busy machine and warm-up). Floors of 40 ms keep tiny timings out of ratios.
const LINEAR = {
  'base64 run': ['QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkrLw', 'a.txt'],
  'sk_live_ without body': ['sk_live_', 'a.js'],
  'PEM BEGIN without END': ['-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n', 'a.txt'],
  '://a: repeated': ['://a:', 'a.txt'],
  'eyJ repeated': ['eyJ', 'a.txt'],
  'password= repeated': ['password=', 'a.txt'],
  'unterminated <a href="': ['<a href="x', 'a.html'],
  '[ repeated (JSON)': ['[', 'a.json'],
  'backslashes (JS)': ['\\', 'a.js'],
  'NUL bytes (JS)': ['\0', 'a.js'],
}

for (const [name, [unit, file]] of Object.entries(LINEAR)) {
  test(`linear: ${name}`, () => {
    const small = Math.max(time(repeat(unit, 512 * 1024), file), 40)
    const big = time(repeat(unit, 2 * 1024 * 1024), file)
    assert.ok(big / small < 8, `${name}: 4x the input took ${(big / small).toFixed(1)}x the time (${small.toFixed(0)} ms -> ${big.toFixed(0)} ms)`)
  })
}

test('many findings on one line cost no more than on separate lines', () => {
  const keys = Array.from({ length: 8000 }, () => fakeKeys.stripeSecret())
  const lines = keys.map((k, i) => `var stripeKey${i}="${k}";`)
  const separate = time(lines.join('\n'), 'a.txt', 1)
  const oneLine = time(lines.join(' '), 'a.txt', 1)
  assert.ok(oneLine / separate < 3, `one line: ${oneLine.toFixed(0)} ms, separate lines: ${separate.toFixed(0)} ms`)
})

test('JWT-shaped runs (`eyJhbGciOiJIUzI1NiJ9.` repeated) stay linear', () => {
  const unit = 'eyJhbGciOiJIUzI1NiJ9.'
  const small = Math.max(time(repeat(unit, 2 * 1024 * 1024), 'a.txt', 1), 40)
  const big = time(repeat(unit, 16 * 1024 * 1024), 'a.txt', 1)
  assert.ok(big / small < 16, `8x the input: ${small.toFixed(0)} ms -> ${big.toFixed(0)} ms`)
})

test('`apiKey: "` repeated in JavaScript costs about what plain strings cost', () => {
  const plain = Math.max(time(`const s = "${'abcdefghij'.repeat(10240)}";`, 'a.js', 1), 20)
  const named = time(repeat('apiKey: "', 100 * 1024), 'a.js', 1)
  assert.ok(named / plain < 20, `named: ${named.toFixed(0)} ms, plain: ${plain.toFixed(0)} ms`)
})

test('`apiKey: "` repeated in JavaScript stays linear', () => {
  // each quote once looked 16 KiB ahead (quadratic until a1c1f5b); now 800 KB -> 6.4 MB is x7 the time
  const small = Math.max(time(repeat('apiKey: "', 256 * 1024), 'a.js', 1), 40)
  const big = time(repeat('apiKey: "', 1024 * 1024), 'a.js', 1)
  assert.ok(big / small < 8, `4x the input: ${small.toFixed(0)} ms -> ${big.toFixed(0)} ms`)
})
