'use strict'
// Inputs that crashed the core under fuzzing (fuzz/, tests/reliability_fuzz.rs), replayed through
// the real .wasm as a front end sees them: each must give a report, not SECRETGATE_INTERNAL.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { fakeKeys } = require('../js/helpers/fake-keys.js')

const { scan } = require(path.join(__dirname, '..', '..', 'npm', 'index.js'))

function judged(src, file) {
  try {
    return scan(src, { file, alwaysParse: true })
  } catch (e) {
    assert.fail(`${file} ${JSON.stringify(src.slice(0, 80))}: ${e.code} ${e.message}`)
  }
}

test('a trailing backslash in JavaScript (scan_js, scanner_config)', () => {
  for (const src of ['\\', 'a\\', "x = '\\", '`\\', '\\u', '\\x4', '\\u{', '\\u00']) {
    for (const file of ['a.js', 'a.ts', 'a.tsx', 'a.html']) judged(src, file)
  }
})

test('a namespaced JSX element name followed by a dot (bundle_map, scan_js)', () => {
  const key = fakeKeys.stripeSecret()
  for (const file of ['a.js', 'a.jsx', 'a.tsx']) {
    for (const jsx of ['x = <a:b.c />;', 'const db < ostgres://admin:lHP)))\n\nDuptzHxxxxxx.cts']) {
      const r = judged(`${jsx}\nconst stripeKey = "${key}";\n`, file)
      assert.ok(r.findings.some((f) => f.ruleId === 'stripe-secret-key'), file)
    }
  }
  judged(`<script>x = <a:b.c />; const stripeKey = "${key}";</script>`, 'a.html')
})
