// The Node API over the real built .wasm: loading, options, deep nesting inside WebAssembly,
// replacing a trapped instance, and no error-level finding on real production libraries.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { scan, Scanner, rules, version } = require('../../npm/index.js')
const { fakeKeys } = require('./helpers/fake-keys.js')

const root = path.join(__dirname, '..', '..')

test('the built .wasm loads and lists its rules', () => {
  const list = rules()
  assert.ok(list.length >= 30, `only ${list.length} rules`)
  assert.ok(list.every((r) => r.id && r.provider && r.allows && r.remedy))
  assert.equal(version, require('../../package.json').version)
})

test('strings and bytes give the same findings', () => {
  const key = fakeKeys.stripeSecret()
  const src = `const s = "${key}";`
  const a = scan(src, { file: 'a.js' })
  const b = scan(Buffer.from(src), { file: 'a.js' })
  assert.deepEqual(a.findings, b.findings)
  assert.equal(a.findings.length, 1)
  assert.equal(src.slice(a.findings[0].column - 1, a.findings[0].endColumn - 1), key)
  assert.ok(!JSON.stringify(a).includes(key))
})

test('bad options are usage errors, not crashes', () => {
  assert.throws(() => scan('x', { file: 'a.js', kind: 'cobol' }), (e) => e.code === 'SECRETGATE_USAGE' && /cobol/.test(e.message))
  assert.throws(() => new Scanner({ rules: { 'no-such-rule': 'off' } }), (e) => e.code === 'SECRETGATE_CONFIG' && /no-such-rule/.test(e.message))
  assert.throws(() => new Scanner({ rules: { 'stripe-secret-key': 'loud' } }), /loud/)
})

test('deep nesting inside WebAssembly ends in a text scan, never a trap', () => {
  const key = fakeKeys.stripeSecret()
  const n = 100000
  // each shape around its innermost value
  const shapes = {
    brackets: (v) => `x=${'['.repeat(n)}${v}${']'.repeat(n)};`,
    parens: (v) => `x=${'('.repeat(n)}${v}${')'.repeat(n)};`,
    ternaries: (v) => `x=${'a?b:'.repeat(n)}${v};`,
    templates: (v) => `x=${'`${'.repeat(n)}${v}${'}`'.repeat(n)};`,
    arrows: (v) => `x=${'()=>'.repeat(n)}${v};`,
    'plus chain': (v) => `x=${v}${'+"a"'.repeat(20000)};`,
    negations: (v) => `x=${'!'.repeat(n)}${v};`,
  }
  for (const [name, shape] of Object.entries(shapes)) {
    // the key inside the deep statement: that statement is read as text
    const inside = scan(`${shape(`"${key}"`)}\nvar k=1;`, { file: `${name}.js` })
    assert.ok(inside.notes.some((x) => x.code === 'too-deep'), `${name}: ${JSON.stringify(inside.notes)}`)
    assert.ok(inside.findings.some((f) => f.ruleId === 'stripe-secret-key'), `${name}: key lost`)
    // the key in a statement of its own: only that statement is parsed, the deep one never is
    const after = scan(`${shape('1')}\nvar k="${key}";`, { file: `${name}.js` })
    const f = after.findings.find((x) => x.ruleId === 'stripe-secret-key')
    assert.ok(f, `${name}: key lost`)
    assert.equal(f.context, 'k', name)
  }
})

test('a trap replaces the instance and names the file; the next scan works', () => {
  // Lifting the guard is the only way to make the core overflow its stack on purpose.
  const deep = `x=${'('.repeat(100000)}1${')'.repeat(100000)};`
  assert.throws(() => scan(deep, { file: 'dist/deep.js', maxDepth: 1e9 }), (e) => {
    assert.equal(e.code, 'SECRETGATE_INTERNAL')
    assert.match(e.message, /dist\/deep\.js/)
    assert.match(e.message, /NOT judged/)
    return true
  })
  const scanner = new Scanner()
  const key = fakeKeys.githubToken()
  const r = scanner.scan(`fetch(u,{headers:{Authorization:"token ${key}"}})`, { file: 'after.js' })
  assert.equal(r.findings[0].ruleId, 'github-token')
})

test('no error-level finding on production builds of React, Vue and lodash', () => {
  const files = [
    'react-dom/cjs/react-dom-client.production.js',
    'react/cjs/react.production.js',
    'vue/dist/vue.global.prod.js',
    'vue/dist/vue.esm-browser.prod.js',
    'lodash/lodash.min.js',
    'lodash/lodash.js',
  ]
  for (const f of files) {
    const abs = path.join(root, 'node_modules', f)
    const r = scan(fs.readFileSync(abs), { file: f })
    const errors = r.findings.filter((x) => x.severity === 'error')
    assert.deepEqual(errors.map((x) => `${x.ruleId} ${x.context} ${x.secret}`), [], f)
    assert.deepEqual(r.notes.filter((n) => n.code === 'parse-fallback'), [], `${f} should parse`)
  }
})
