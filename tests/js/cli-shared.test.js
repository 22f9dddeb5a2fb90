'use strict'
// Unit tests of the modules every front end shares (glob, config, suppression, report formats,
// source-map linking, deploy checks). They need no bundler and no .wasm.
const { test, describe } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const crypto = require('node:crypto')

const ROOT = path.resolve(__dirname, '..', '..')
const { matchGlob, matchAny } = require(path.join(ROOT, 'npm/glob.js'))
const config = require(path.join(ROOT, 'npm/config.js'))
const suppress = require(path.join(ROOT, 'npm/suppress.js'))
const report = require(path.join(ROOT, 'npm/report.js'))
const smlink = require(path.join(ROOT, 'npm/sourcemap-link.js'))
const deploy = require(path.join(ROOT, 'npm/deploy-check.js'))
const { isBinary, kindOf, walk, displayPath } = require(path.join(ROOT, 'npm/walk.js'))
const { fakeKeys } = require('./helpers/fake-keys.js')
const { tempDir, cleanupTempDirs, sarifValidator } = require('./helpers/cli-harness.js')

test.after(cleanupTempDirs)

function finding(over = {}) {
  return {
    ruleId: 'stripe-secret-key', provider: 'Stripe', severity: 'error', kind: 'secret',
    message: 'Stripe secret key.', file: 'dist/a.js', line: 1, column: 1, endLine: 1, endColumn: 2,
    start: 0, end: 1, secret: 'sk_live_ab\u2026', fingerprint: 'aa11', context: null, call: null,
    envVar: null, original: null, suppressed: null, ...over,
  }
}

describe('glob', () => {
  const cases = [
    ['*.map', 'assets/a.js.map', true], ['*.map', 'a.map', true], ['*.map', 'a.js', false],
    ['assets/*.js', 'assets/a.js', true], ['assets/*.js', 'assets/x/a.js', false], ['assets/*.js', 'x/assets/a.js', false],
    ['assets/**', 'assets', true], ['assets/**', 'assets/x/y.js', true], ['assets/**', 'assetsx', false],
    ['**/legacy/*.js', 'legacy/a.js', true], ['**/legacy/*.js', 'a/b/legacy/a.js', true],
    ['a/**/b.js', 'a/b.js', true], ['a/**/b.js', 'a/x/y/b.js', true], ['a/**/b.js', 'ab.js', false],
    ['*.{js,css}', 'x/y.css', true], ['*.{js,css}', 'x/y.html', false], ['src/{a,b/{c,d}}.js', 'src/b/d.js', true],
    ['?.js', 'a.js', true], ['?.js', 'ab.js', false], ['[ab].js', 'b.js', true], ['[!ab].js', 'a.js', false],
    ['/server/*', 'server/x.js', true], ['/server/*', 'dist/server/x.js', false], ['a.b', 'aXb', false],
    ['./a/b.js', 'a/b.js', true], ['x.js', './x.js', true], ['dir\\*.js', 'dir*.js', true], ['dir\\*.js', 'dirx.js', false],
  ]
  for (const [pattern, p, expected] of cases) {
    test(`${pattern} ${expected ? 'matches' : 'does not match'} ${p}`, () => assert.equal(matchGlob(pattern, p), expected))
  }
  test('matchAny: a matching parent folder matches what is inside; several spellings', () => {
    assert.equal(matchAny(['legacy'], 'legacy/x/y.js'), true)
    assert.equal(matchAny(['server/'], 'dist/server/entry.js'), true)
    assert.equal(matchAny(['assets/*.js'], ['elsewhere/a.js', 'assets/a.js']), true)
    assert.equal(matchAny(['nope'], ['a/b']), false)
    assert.equal(matchAny([], 'a'), false)
  })
})

describe('config', () => {
  test('finds secretgate.config.json upward and merges overrides on top', async () => {
    const dir = tempDir('cfg')
    fs.writeFileSync(path.join(dir, 'secretgate.config.json'), JSON.stringify({
      ignore: ['legacy/**'], rules: { 'generic-secret': 'off', 'stripe-publishable-key': 'warning' }, failOn: 'warning',
      allow: [{ fingerprint: 'ABCDEF12', reason: 'rotated' }, { rule: 'stripe-*', file: 'assets/*.js', reason: 'test key' }],
      publicEnv: ['MY_PUBLIC_*'], serverOutput: ['server/**'],
    }))
    const sub = path.join(dir, 'a', 'b')
    fs.mkdirSync(sub, { recursive: true })
    const c = await config.loadConfig({ cwd: sub, overrides: { failOn: 'error', rules: { 'generic-secret': 'info' }, ignore: undefined } })
    assert.equal(c.configPath, path.join(dir, 'secretgate.config.json'))
    assert.deepEqual(c.ignore, ['legacy/**'])
    assert.deepEqual(c.rules, { 'generic-secret': 'info', 'stripe-publishable-key': 'warning' })
    assert.equal(c.failOn, 'error')
    assert.equal(c.allow[0].fingerprint, 'abcdef12')
    assert.deepEqual(c.serverOutput, ['server/**'])
    assert.equal(config.isPublicEnvName('MY_PUBLIC_URL', c), true)
    assert.equal(config.isPublicEnvName('VITE_URL', c), true)
    assert.equal(config.isPublicEnvName('STRIPE_SECRET_KEY', c), false)
  })

  test('no config file: defaults', async () => {
    const dir = tempDir('cfg-none')
    const c = await config.loadConfig({ cwd: dir })
    // a config file somewhere above /tmp would change this; there is none on a sane machine
    assert.equal(c.configPath, null)
    assert.deepEqual(c, { ignore: [], rules: {}, allow: [], failOn: 'error', publicEnv: [], serverOutput: [], configPath: null })
  })

  test('.mjs and .js configs export the same object', async () => {
    const dir = tempDir('cfg-mjs')
    fs.writeFileSync(path.join(dir, 'secretgate.config.mjs'), "export default { failOn: 'info', ignore: ['x/**'] }\n")
    const c = await config.loadConfig({ cwd: dir })
    assert.equal(c.failOn, 'info')
    assert.equal(path.basename(c.configPath), 'secretgate.config.mjs')
    const dir2 = tempDir('cfg-cjs')
    fs.writeFileSync(path.join(dir2, 'secretgate.config.js'), "module.exports = { rules: { 'generic-secret': 'off' } }\n")
    assert.deepEqual((await config.loadConfig({ cwd: dir2 })).rules, { 'generic-secret': 'off' })
  })

  const bad = [
    [{ ignor: ['x'] }, /"ignor" is not a known option/],
    [{ failOn: 'fatal' }, /"failOn" must be one of error, warning, info/],
    [{ ignore: 'dist/**' }, /"ignore" must be an array/],
    [{ ignore: [''] }, /"ignore\[0\]" must be a non-empty string/],
    [{ rules: { 'generic-secret': 'disabled' } }, /"rules\.generic-secret" must be one of off, error, warning, info/],
    [{ rules: ['x'] }, /"rules" must be an object/],
    [{ allow: [{ fingerprint: 'abcdef12' }] }, /"allow\[0\]\.reason" is required/],
    [{ allow: [{ fingerprint: 'abcdef12', reason: '  ' }] }, /"allow\[0\]\.reason" is required/],
    [{ allow: [{ rule: 'x', value: 'sk_.*', reason: 'r' }] }, /"allow\[0\]\.value" is not a known key/],
    [{ allow: [{ reason: 'r' }] }, /"allow\[0\]" needs "fingerprint" or "rule"/],
    [{ allow: [{ fingerprint: 'not hex!', reason: 'r' }] }, /"allow\[0\]\.fingerprint" must be the hex fingerprint/],
    [{ publicEnv: [1] }, /"publicEnv\[0\]" must be a non-empty string/],
    [[], /must be an object/],
  ]
  for (const [raw, re] of bad) {
    test(`rejects ${JSON.stringify(raw)} naming the file and the key`, async () => {
      const dir = tempDir('cfg-bad')
      const file = path.join(dir, 'secretgate.config.json')
      fs.writeFileSync(file, JSON.stringify(raw))
      await assert.rejects(config.loadConfig({ cwd: dir }), (err) => {
        assert.ok(err instanceof config.ConfigError)
        assert.equal(err.code, 'SECRETGATE_CONFIG')
        assert.ok(err.message.startsWith(file + ': '), err.message)
        assert.match(err.message, re)
        return true
      })
    })
  }

  test('invalid JSON, missing --config file and bad overrides are ConfigErrors', async () => {
    const dir = tempDir('cfg-json')
    fs.writeFileSync(path.join(dir, 'secretgate.config.json'), '{ "ignore": [ }')
    await assert.rejects(config.loadConfig({ cwd: dir }), /secretgate\.config\.json: invalid JSON/)
    await assert.rejects(config.loadConfig({ cwd: dir, configFile: 'nope.json' }), /nope\.json: config file not found/)
    const ok = tempDir('cfg-ok')
    await assert.rejects(config.loadConfig({ cwd: ok, overrides: { failOn: 'nope' } }), /secretgate options: "failOn"/)
  })

  test('severityRank and failsAt', () => {
    assert.ok(config.severityRank('error') > config.severityRank('warning'))
    assert.ok(config.severityRank('warning') > config.severityRank('info'))
    assert.equal(config.failsAt(finding({ severity: 'warning' }), 'error'), false)
    assert.equal(config.failsAt(finding({ severity: 'warning' }), 'warning'), true)
    assert.equal(config.failsAt(finding({ severity: 'info' }), 'info'), true)
    assert.equal(config.failsAt(finding({ suppressed: { reason: 'x', by: 'allow' } }), 'info'), false)
    assert.ok(config.DEFAULT_PUBLIC_ENV.includes('VITE_') && config.DEFAULT_PUBLIC_ENV.includes('NEXT_PUBLIC_'))
  })

  test('applyRuleLevels: off drops, a level replaces', () => {
    const out = config.applyRuleLevels([finding(), finding({ ruleId: 'deploy-env-file' })], { 'stripe-secret-key': 'off', 'deploy-env-file': 'warning' })
    assert.equal(out.length, 1)
    assert.equal(out[0].severity, 'warning')
  })
})

describe('suppression and baseline', () => {
  test('inline, allow (fingerprint / rule+file+context) and baseline, in that order', () => {
    const fs1 = [
      finding({ fingerprint: 'f1', suppressed: { reason: 'test fixture' } }),
      finding({ fingerprint: 'f2' }),
      finding({ fingerprint: 'f3', ruleId: 'github-pat', file: 'dist/assets/x.js', context: 'headers.Authorization' }),
      finding({ fingerprint: 'f4', ruleId: 'github-pat', file: 'dist/other.js', context: 'headers.Authorization' }),
      finding({ fingerprint: 'f5' }),
      finding({ fingerprint: 'f6' }),
    ]
    const cfg = { allow: [{ fingerprint: 'f2', reason: 'rotated' }, { rule: 'github-*', file: 'assets/*.js', context: 'headers.*', reason: 'read-only token' }] }
    const out = suppress.applySuppressions(fs1, cfg, { baseline: { file: '/x/base.json', entries: [{ fingerprint: 'F5' }] } })
    assert.deepEqual(out.map((f) => f.suppressed && f.suppressed.by), ['inline', 'allow', 'allow', null, 'baseline', null])
    assert.equal(out[0].suppressed.reason, 'test fixture')
    assert.equal(out[1].suppressed.reason, 'rotated')
    assert.match(out[4].suppressed.reason, /base\.json/)
    assert.equal(fs1[1].suppressed, null, 'input findings are not mutated')
  })

  test('writeBaseline / readBaseline round trip holds no value; stale entries', () => {
    const dir = tempDir('baseline')
    const key = fakeKeys.stripeSecret()
    const file = path.join(dir, 'sub', 'baseline.json')
    const fsx = [finding({ fingerprint: 'b1' }), finding({ fingerprint: 'b1' }), finding({ fingerprint: 'b2', file: 'dist/b.js' }),
      finding({ fingerprint: 'b3', suppressed: { reason: 'r', by: 'allow' } })]
    assert.equal(suppress.writeBaseline(file, fsx), 2)
    const text = fs.readFileSync(file, 'utf8')
    assert.ok(!text.includes(key))
    const b = suppress.readBaseline(file)
    assert.deepEqual(b.entries.map((e) => Object.keys(e).sort()), [['file', 'fingerprint', 'ruleId', 'secret'], ['file', 'fingerprint', 'ruleId', 'secret']])
    assert.deepEqual(suppress.staleBaselineEntries(b, [finding({ fingerprint: 'b2' })]).map((e) => e.fingerprint), ['b1'])
    fs.writeFileSync(file, '{"entries": 3}')
    assert.throws(() => suppress.readBaseline(file), (e) => e.code === 'SECRETGATE_BASELINE' && /no "entries" array/.test(e.message))
    assert.throws(() => suppress.readBaseline(path.join(dir, 'missing.json')), /cannot read baseline/)
  })
})

describe('report formats', () => {
  const key = fakeKeys.stripeSecret()
  const src = `const a = 1\nconst key = "${key}"; // x\nfoo()\n`
  const start = Buffer.from(src).indexOf(key)
  const f1 = finding({ line: 2, column: 14, endLine: 2, endColumn: 14 + key.length, start, end: start + key.length, secret: key.slice(0, 12) + '\u2026', fingerprint: 'ff01', original: { file: 'src/api.js', line: 7, column: 3 }, context: 'key' })
  const f2 = finding({ ruleId: 'deploy-env-file', severity: 'warning', file: 'dist/.env', message: 'Env file, with: colons, commas 100%\nand a newline', secret: '', fingerprint: 'ff02', endColumn: 1, end: 0 })
  const f3 = finding({ file: 'dist/c.js', fingerprint: 'ff03', suppressed: { reason: 'fixture', by: 'inline' } })
  const result = { findings: [f2, f1, f3], notes: [{ file: 'dist/a.js', code: 'sourcemap-missing', message: 'map not found' }], errors: [{ file: 'dist/bad.js', code: 'io', message: 'cannot read file (EACCES)' }], stats: { files: 4, ms: 5 }, version: '0.1.0', failOn: 'error' }

  test('human: blocks, masked frame, original location, suppressed, summary; colours only when asked', () => {
    const out = report.formatHuman(result, { sources: new Map([['dist/a.js', Buffer.from(src)]]) })
    assert.ok(!out.includes(key), 'the raw key never appears')
    assert.match(out, /error stripe-secret-key {2}Stripe secret key\./)
    assert.match(out, /at dist\/a\.js:2:14/)
    assert.match(out, /from src\/api\.js:7:3/)
    assert.match(out, /> 2 \| const key = "\*{10,}"; \/\/ x/)
    assert.match(out, /\^{10,}/)
    assert.match(out, /suppressed \(1\):\n {2}error stripe-secret-key at dist\/c\.js:1:1 \(inline: fixture\)/)
    assert.match(out, /could not judge:\n {2}dist\/bad\.js: cannot read file \(EACCES\)/)
    assert.match(out, /secretgate: 1 error, 1 warning, 0 info, 1 suppressed in 4 files; 1 file could not be judged \(5 ms\)\n$/)
    assert.ok(!out.includes('\x1b['))
    assert.ok(report.formatHuman(result, { color: true }).includes('\x1b[31m'))
  })

  test('human: a frame whose offsets do not point at the secret is left out, never shown unmasked', () => {
    const shifted = { ...f1, start: 0, end: 5 }
    const out = report.formatHuman({ ...result, findings: [shifted] }, { sources: new Map([['dist/a.js', Buffer.from(src)]]) })
    assert.ok(!out.includes(key))
    assert.ok(!out.includes('> 2 |'))
  })

  test('human: a copy of a secret grouped into a finding elsewhere is masked in this file\'s frames', () => {
    // the same key in dist/.env (the finding shown) and in dist/a.js beside another finding
    const other = fakeKeys.githubToken()
    const line = `const cfg = { stripe: "${key}", github: "${other}" }\n`
    const ks = line.indexOf(key)
    const gs = line.indexOf(other)
    const copy = { file: 'dist/a.js', line: 1, column: ks + 1, start: ks, end: ks + key.length, original: null }
    const stripe = { ...f1, file: 'dist/.env', line: 1, column: 19, start: 18, end: 18 + key.length, locations: [{ file: 'dist/.env', line: 1, column: 19, start: 18, end: 18 + key.length, original: null }, copy] }
    const github = { ...f1, ruleId: 'github-token', file: 'dist/a.js', line: 1, column: gs + 1, start: gs, end: gs + other.length, secret: other.slice(0, 8) + '\u2026', fingerprint: 'ff09' }
    const sources = new Map([['dist/a.js', Buffer.from(line)], ['dist/.env', Buffer.from(`STRIPE_KEY=\n`)]])
    const out = report.formatHuman({ ...result, findings: [stripe, github] }, { sources })
    assert.match(out, /> 1 \| .*stripe: "\*{20,}", github: "\*{20,}" \}/, 'the frame is shown, both values masked')
    assert.ok(!out.includes(key) && !out.includes(other))
    // the grouping keeps each copy's span
    const { groupFindings } = require(path.join(ROOT, 'npm/group.js'))
    const grouped = groupFindings([{ ...stripe, locations: undefined }, { ...stripe, file: 'dist/a.js', start: ks, end: ks + key.length, locations: undefined }])
    assert.deepEqual(grouped[0].locations.map((l) => [l.file, l.start, l.end]), [['dist/.env', 18, 18 + key.length], ['dist/a.js', ks, ks + key.length]])
  })

  test('human: a long minified line is windowed around the secret and control bytes neutralised', () => {
    const line = 'x'.repeat(5000) + `k="${key}"\x1b[2J` + 'y'.repeat(5000)
    const s = line.indexOf(key)
    const f = { ...f1, line: 1, column: s + 1, start: s, end: s + key.length }
    const out = report.formatHuman({ ...result, findings: [f] }, { sources: new Map([['dist/a.js', Buffer.from(line)]]) })
    const frameLine = out.split('\n').find((l) => l.startsWith('> 1 |'))
    assert.ok(frameLine.length < 130, frameLine.length)
    assert.match(frameLine, /k="\*+"\ufffd\[2J/)
    assert.ok(!out.includes(key))
  })

  test('json: the data with a summary', () => {
    const data = JSON.parse(report.formatJson(result))
    assert.equal(data.tool.name, 'secretgate')
    assert.deepEqual(data.summary, { errors: 1, warnings: 1, infos: 0, suppressed: 1, failOn: 'error', failing: 1, couldNotJudge: 1 })
    assert.deepEqual(data.findings.map((f) => f.fingerprint), ['ff02', 'ff01', 'ff03'])
    assert.equal(data.findings[2].suppressed.by, 'inline')
  })

  test('sarif: valid against the SARIF 2.1.0 schema; original location first; suppressions', () => {
    const log = JSON.parse(report.formatSarif({ ...result, rules: deploy.DEPLOY_RULES }))
    const validate = sarifValidator()
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2))
    const run = log.runs[0]
    assert.deepEqual(run.tool.driver.rules.map((r) => r.id), ['deploy-env-file', 'stripe-secret-key'])
    assert.ok(run.tool.driver.rules.every((r) => r.help && r.help.text))
    const r1 = run.results.find((r) => r.partialFingerprints['secretgate/v1'] === 'ff01')
    assert.equal(r1.locations[0].physicalLocation.artifactLocation.uri, 'src/api.js')
    assert.equal(r1.locations[0].physicalLocation.region.startLine, 7)
    assert.equal(r1.relatedLocations[0].physicalLocation.artifactLocation.uri, 'dist/a.js')
    assert.equal(r1.ruleIndex, 1)
    const r3 = run.results.find((r) => r.partialFingerprints['secretgate/v1'] === 'ff03')
    assert.deepEqual(r3.suppressions, [{ kind: 'inSource', status: 'accepted', justification: 'fixture' }])
    assert.equal(run.invocations[0].executionSuccessful, false)
    assert.ok(!JSON.stringify(log).includes(key))
  })

  test('github: annotations at original locations, escaped as GitHub requires', () => {
    const out = report.formatGithub(result)
    const lines = out.trim().split('\n')
    assert.equal(lines[0], '::warning file=dist/.env,line=1,col=1,title=secretgate deploy-env-file::Env file, with: colons, commas 100%25%0Aand a newline')
    assert.match(lines[1], /^::error file=src\/api\.js,line=7,col=3,title=secretgate stripe-secret-key::Stripe secret key\. \(sk_live_/)
    assert.match(lines[1], /ships in dist\/a\.js:2:14$/)
    assert.equal(lines[2], '::error file=dist/bad.js,title=secretgate could not judge this file::cannot read file (EACCES)')
    assert.ok(lines.some((l) => l.startsWith('::notice file=dist/a.js,title=secretgate sourcemap-missing::')))
    assert.ok(!out.includes('dist/c.js'), 'suppressed findings are not annotated')
    assert.equal(report.escapeProperty('a:b,c%d\r\ne'), 'a%3Ab%2Cc%25d%0D%0Ae')
  })
})

describe('source-map linking', () => {
  test('finds the last sourceMappingURL comment (JS and CSS forms)', () => {
    assert.equal(smlink.findSourceMappingURL('a()\n//# sourceMappingURL=old.map\nb()\n//# sourceMappingURL=a.js.map\n'), 'a.js.map')
    assert.equal(smlink.findSourceMappingURL('x{}\n/*# sourceMappingURL=a.css.map */', 'css'), 'a.css.map')
    assert.equal(smlink.findSourceMappingURL('x{}\n//# sourceMappingURL=a.css.map', 'css'), null)
    assert.equal(smlink.findSourceMappingURL('var s = "//# sourceMappingURL=" + name;'), null)
    assert.equal(smlink.findSourceMappingURL('a()\n//@ sourceMappingURL=legacy.map'), 'legacy.map')
    assert.equal(smlink.findSourceMappingURL('no map here'), null)
    // a Buffer is searched without decoding it whole; non-ASCII before the comment is no matter
    assert.equal(smlink.findSourceMappingURL(Buffer.from('const é = "ü";\n//# sourceMappingURL=b.js.map\n')), 'b.js.map')
    assert.equal(smlink.findSourceMappingURL(Buffer.from('var s = "//# sourceMappingURL=" + name;')), null)
    assert.equal(smlink.findSourceMappingURL(Buffer.from('x{}\n/*# sourceMappingURL=a.css.map */'), 'css'), 'a.css.map')
  })

  test('never reads a map outside the roots; missing and broken maps give notes', () => {
    const dir = tempDir('smlink')
    const outside = tempDir('smlink-outside')
    fs.mkdirSync(path.join(dir, 'assets'))
    fs.writeFileSync(path.join(outside, 'x.map'), JSON.stringify({ version: 3, sources: [], mappings: '' }))
    const file = path.join(dir, 'assets', 'a.js')
    const at = (url) => smlink.resolveSourceMap({ file, text: `a()\n//# sourceMappingURL=${url}\n`, roots: [fs.realpathSync(dir)], display: 'dist/assets/a.js' })
    for (const url of ['/etc/passwd', '../../x', path.relative(path.dirname(file), path.join(outside, 'x.map')), `file://${path.join(outside, 'x.map')}`]) {
      const r = at(url)
      assert.equal(r.mapText, null, url)
      assert.match(r.note.code, /sourcemap-(outside-root|missing)/, url)
      assert.ok(!r.note.message.includes('passwd'))
    }
    fs.symlinkSync(path.join(outside, 'x.map'), path.join(dir, 'assets', 'link.map'))
    assert.equal(at('link.map').note.code, 'sourcemap-outside-root')
    assert.equal(at('gone.map').note.code, 'sourcemap-missing')
    fs.writeFileSync(path.join(dir, 'assets', 'bad.map'), '{ not json')
    assert.equal(at('bad.map').note.code, 'sourcemap-invalid')
    // lazy: the map file is found now and read (and judged) only when asked
    const lazy = (url) => smlink.resolveSourceMap({ file, text: Buffer.from(`a()\n//# sourceMappingURL=${url}\n`), roots: [fs.realpathSync(dir)], display: 'dist/assets/a.js', lazy: true })
    const bad = lazy('bad.map')
    assert.deepEqual([bad.mapText, bad.note], [null, null])
    assert.equal(bad.read().note.code, 'sourcemap-invalid')
    fs.writeFileSync(path.join(dir, 'assets', 'good.map'), JSON.stringify({ version: 3, sources: ['a.js'], mappings: '' }))
    const good = lazy('good.map')
    assert.equal(good.mapText, null)
    assert.equal(JSON.parse(good.read().mapText).sources[0], 'a.js')
    assert.equal(lazy('gone.map').note.code, 'sourcemap-missing')
    assert.equal(at('https://cdn.example/a.map').note.code, 'sourcemap-remote')
    const map = JSON.stringify({ version: 3, sources: ['a.ts'], mappings: 'AAAA' })
    const inline = at('data:application/json;charset=utf-8;base64,' + Buffer.from(map).toString('base64'))
    assert.equal(inline.mapText, map)
    assert.equal(inline.inline, true)
    assert.equal(at('data:application/json;base64,@@@').note.code, 'sourcemap-invalid')
    fs.writeFileSync(path.join(dir, 'assets', 'good.map'), map)
    assert.equal(at('good.map?v=1').mapText, map)
  })

  test('normalises map sources to cwd-relative paths', () => {
    const cwd = '/proj'
    assert.equal(smlink.normalizeSourcePath('../../src/a.js', { mapDir: '/proj/dist/assets', cwd }), 'src/a.js')
    assert.equal(smlink.normalizeSourcePath('webpack://app/./src/a.js', { mapDir: '/proj/dist', cwd }), 'src/a.js')
    assert.equal(smlink.normalizeSourcePath('webpack:///./src/a.js?1234', { mapDir: '/proj/dist', cwd }), 'src/a.js')
    assert.equal(smlink.normalizeSourcePath('file:///proj/src/b.ts', { mapDir: '/x', cwd }), 'src/b.ts')
    assert.equal(smlink.normalizeSourcePath('/elsewhere/c.js', { mapDir: '/x', cwd }), '/elsewhere/c.js')
    assert.equal(smlink.normalizeSourcePath('\0virtual:x', { mapDir: '/x', cwd }), '\0virtual:x')
  })
})

describe('deploy checks', () => {
  test('.env files, templates as warnings, never a value in the message', () => {
    const value = fakeKeys.stripeSecret()
    const [f] = deploy.checkDeployFile({ file: 'dist/.env.production', rel: '.env.production', text: `STRIPE_KEY=${value}\nexport OTHER=1\n` })
    assert.equal(f.ruleId, 'deploy-env-file')
    assert.equal(f.severity, 'error')
    assert.match(f.message, /STRIPE_KEY, OTHER/)
    assert.ok(!JSON.stringify(f).includes(value))
    assert.equal(deploy.checkDeployFile({ file: 'dist/.env.example', rel: '.env.example', text: 'A=\n' })[0].severity, 'warning')
    assert.equal(deploy.checkDeployFile({ file: 'dist/env.js', rel: 'env.js', text: 'x' }).length, 0)
  })

  test('private keys: by content for .pem/.key, by name for id_rsa and key stores', () => {
    const { privateKey } = crypto.generateKeyPairSync('ed25519')
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' })
    const [f] = deploy.checkDeployFile({ file: 'dist/server.key', rel: 'server.key', text: `# key\n${pem}` })
    assert.equal(f.ruleId, 'deploy-private-key-file')
    assert.equal(f.line, 2)
    assert.ok(!JSON.stringify(f).includes(pem.split('\n')[1]))
    assert.equal(deploy.checkDeployFile({ file: 'dist/cert.pem', rel: 'cert.pem', text: '-----BEGIN CERTIFICATE-----\nAAAA\n' }).length, 0)
    assert.equal(deploy.checkDeployFile({ file: 'dist/id_ed25519', rel: 'id_ed25519', text: '' }).length, 1)
    assert.equal(deploy.checkDeployFile({ file: 'dist/id_ed25519.pub', rel: 'id_ed25519.pub', text: 'ssh-ed25519 AAAA' }).length, 0)
    assert.equal(deploy.checkDeployFile({ file: 'dist/a.p12', rel: 'a.p12', text: null }).length, 1)
  })

  test('credentials files: a real value, not an env reference', () => {
    const token = fakeKeys.npmToken()
    const [f] = deploy.checkDeployFile({ file: 'dist/.npmrc', rel: '.npmrc', text: `registry=https://r.example/\n//r.example/:_authToken=${token}\n` })
    assert.equal(f.ruleId, 'deploy-credentials-file')
    assert.equal(f.line, 2)
    assert.equal(f.end - f.start, token.length)
    assert.ok(!JSON.stringify(f).includes(token))
    assert.equal(deploy.checkDeployFile({ file: 'dist/.npmrc', rel: '.npmrc', text: '//r.example/:_authToken=${NPM_TOKEN}\n' }).length, 0)
    assert.equal(deploy.checkDeployFile({ file: 'dist/.netrc', rel: '.netrc', text: 'machine h login u password p4ss\n' }).length, 1)
    assert.equal(deploy.checkDeployFile({ file: 'dist/.pypirc', rel: '.pypirc', text: '[pypi]\nusername = u\npassword = p4ss\n' }).length, 1)
    assert.equal(deploy.checkDeployFile({ file: 'dist/config.json', rel: 'config.json', text: '{"auth":"abc"}' }).length, 0)
  })

  test('source maps carrying server code (first-party only)', () => {
    // the core finds the server code while it scans the map; the deploy check makes the finding
    const { scan } = require(path.join(ROOT, 'npm/index.js'))
    const check = (sources, sourcesContent) => {
      const text = JSON.stringify({ version: 3, sources, sourcesContent, mappings: '' })
      const { serverSource } = scan(Buffer.from(text), { file: 'dist/a.js.map' })
      return deploy.checkDeployFile({ file: 'dist/a.js.map', rel: 'a.js.map', text, serverSource })
    }
    const hit = check(['../src/ui.js', '../src/db.server.ts'], ['export const a = 1', "import { readFile } from 'node:fs'\n"])
    assert.equal(hit.length, 1)
    assert.equal(hit[0].ruleId, 'deploy-server-source-map')
    assert.equal(hit[0].severity, 'warning')
    assert.equal(hit[0].original.file, '../src/db.server.ts')
    assert.deepEqual([hit[0].original.line, hit[0].original.column], [1, 21])
    assert.equal(check(['../node_modules/x/index.js'], ["require('fs')"]).length, 0)
    assert.equal(check(['../src/a.js'], ["if (process.env.NODE_ENV !== 'production') log()"]).length, 0)
    assert.equal(check(['../src/act.js'], ["'use server'\nexport async function save() {}"]).length, 1)
    // only a .map file is judged a deployed map
    const text = JSON.stringify({ version: 3, sources: ['../src/a.js'], sourcesContent: ["require('fs')"], mappings: '' })
    const { serverSource } = scan(Buffer.from(text), { file: 'dist/map.json' })
    assert.equal(serverSource.why, 'imports a Node.js server module')
    assert.equal(deploy.checkDeployFile({ file: 'dist/map.json', rel: 'map.json', text, serverSource }).length, 0)
  })
})

describe('env values', () => {
  const env = require(path.join(ROOT, 'npm/env.js'))
  test('a path is not searched, a random value that starts like one is (a base64 key starts with / once in 64)', () => {
    for (const p of ['/usr/local/bin/node', '~/projects/app', './dist/assets', 'C:\\Users\\me\\app']) assert.equal(env.trivialReason(p), 'a filesystem path', p)
    for (let i = 0; i < 200; i++) {
      const key = '/' + fakeKeys.awsSecretAccessKey().slice(1)
      assert.equal(env.trivialReason(key), null, key)
    }
  })
})

describe('walk helpers', () => {
  test('binary sniffing and kinds', () => {
    assert.equal(isBinary('a.png', Buffer.from('text')), true)
    assert.equal(isBinary('a.dat', Buffer.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0])), true)
    assert.equal(isBinary('noext', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a])), true)
    assert.equal(isBinary('a.txt', Buffer.from('plain text\n')), false)
    assert.equal(isBinary('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])), false)
    assert.equal(kindOf('a.mjs'), 'js')
    assert.equal(kindOf('a.webmanifest'), 'json')
    assert.equal(kindOf('a.js.map'), 'sourcemap')
    assert.equal(kindOf('_headers'), 'text')
  })

  test('shown paths are displayPath of each file, whatever the root (cwd, below, above, elsewhere)', () => {
    const base = tempDir('walk-shown')
    const tree = { 'app/dist/a.js': '1', 'app/dist/sub/b.js': '2', 'app/dist/sub/deeper/c.css': '3', 'other/x.txt': '4' }
    for (const [rel, text] of Object.entries(tree)) {
      fs.mkdirSync(path.dirname(path.join(base, rel)), { recursive: true })
      fs.writeFileSync(path.join(base, rel), text)
    }
    const cases = [
      { cwd: path.join(base, 'app', 'dist'), roots: ['.'] },
      { cwd: path.join(base, 'app'), roots: ['dist'] },
      { cwd: path.join(base, 'app'), roots: ['dist/sub', 'dist/a.js'] },
      { cwd: path.join(base, 'app', 'dist', 'sub'), roots: ['..'] },
      { cwd: path.join(base, 'other'), roots: [path.join(base, 'app', 'dist')] },
      { cwd: base, roots: ['app', 'other'], ignore: ['**/deeper/**'] },
    ]
    let checked = 0
    for (const c of cases) {
      const { files } = walk(c.roots, { cwd: c.cwd, ignore: c.ignore || [] })
      assert.ok(files.length > 0)
      for (const f of files) {
        assert.equal(f.display, displayPath(f.path, c.cwd), JSON.stringify(c))
        checked++
      }
    }
    assert.ok(checked >= 14, `${checked} files`)
  })
})
