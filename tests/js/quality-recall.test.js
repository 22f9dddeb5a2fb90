'use strict'
// The quality benchmark's labeled set in miniature, through the real .wasm: a fresh key for every
// rule (bench/quality/keygen.js), planted in every bundle shape (bench/quality/shapes.js), must be
// reported by that rule; its near misses must not be. The full benchmark with peers and the
// real-bundle corpus is `node scripts/bench-quality.js`.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { scan, rules } = require('../../npm/index.js')
const { GENERATORS, generate } = require('../../bench/quality/keygen.js')
const { plant, SHAPES } = require('../../bench/quality/shapes.js')

const ids = rules().map((r) => r.id).filter((id) => id !== 'env-value')

test('every rule has a key generator', () => {
  assert.deepEqual(ids.filter((id) => !GENERATORS[id]), [])
})

test('every rule finds a fresh key of its format in every bundle shape', () => {
  const misses = []
  let planted = 0
  for (const id of ids) {
    const key = generate(id)
    for (const f of plant(key)) {
      planted++
      const report = scan(f.content, { file: `dist/${f.file}` })
      if (!report.findings.some((x) => x.ruleId === id)) misses.push(`${id} (${f.shape})`)
      for (const x of report.findings) {
        // redaction keeps a fixed prefix and at most four more characters: what follows never shows
        const visible = String(x.secret || '').split('\u2026')[0]
        const at = key.value.indexOf(visible) + visible.length
        const hidden = key.value.slice(at, at + 12)
        if (visible && key.value.includes(visible) && hidden.length >= 8) {
          assert.ok(!JSON.stringify(x).includes(hidden), `${id}: finding carries the raw value`)
        }
      }
    }
  }
  assert.equal(planted, ids.length * SHAPES.length)
  // The benchmark's targets: at least 98% overall, so at most 2% of the planted keys missed.
  assert.ok(misses.length <= planted * 0.02, `${misses.length} of ${planted} missed:\n${misses.join('\n')}`)
})

test('near misses are not reported by their rule: cut short, placeholder bodies, unrelated names', () => {
  const wrong = []
  for (const id of ids) {
    const key = generate(id)
    const v = key.value
    const cases = key.name
      ? [`export const settings = { title: ${JSON.stringify(v)} };`, `export const settings = { ${JSON.stringify(key.name)}: ${JSON.stringify('x'.repeat(v.length))} };`]
      : [`export const value = ${JSON.stringify(v.slice(0, 12))};`]
    for (const src of cases) {
      if (scan(src, { file: 'dist/near.js' }).findings.some((x) => x.ruleId === id)) wrong.push(`${id}: ${src.slice(0, 60)}`)
    }
  }
  assert.deepEqual(wrong, [])
})

test('publishable keys are info and say why they are safe; test keys are warnings', () => {
  for (const r of rules()) {
    if (r.kind === 'publishable') assert.equal(r.severity, 'info', r.id)
  }
  const stripeTest = scan(`const k = ${JSON.stringify(generate('stripe-test-secret-key').value)};`, { file: 'a.js' }).findings[0]
  assert.equal(stripeTest.severity, 'warning')
  const maps = scan(`const googleMapsApiKey = ${JSON.stringify(generate('google-maps-api-key').value)};`, { file: 'a.js' }).findings[0]
  assert.equal(maps.ruleId, 'google-maps-api-key')
  assert.equal(maps.severity, 'info')
  assert.match(maps.message, /restrict/i)
  assert.match(maps.message, /See docs\/rules\.md#google-maps-api-key$/)
})
