'use strict'
// The `secretgate` CLI end to end: the real CLI as a subprocess over dist folders built for each
// case (fake keys written in at run time), the real core, real Vite and webpack builds.
const { test, describe, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const zlib = require('node:zlib')
const crypto = require('node:crypto')

const { fakeKeys } = require('./helpers/fake-keys.js')
const h = require('./helpers/cli-harness.js')
const { runCli, tempDir, writeTree, fixtureCopy, parseJson, assertNoSecret, makeSourceMap } = h

after(h.cleanupTempDirs)

/** Findings whose redacted secret is the visible head of `key` (how a test finds "its" key), one
 * per copy: a grouped finding (npm/group.js) lists every place the same secret ships. */
function findingsFor(report, key) {
  return report.findings.filter((f) => {
    const head = String(f.secret || '').split('\u2026')[0]
    return head.length >= 4 && key.startsWith(head)
  }).flatMap((f) => (f.locations || [f]).map((l) => ({ ...f, file: l.file, line: l.line, column: l.column, original: l.original })))
}

function only(list, what) {
  assert.equal(list.length, 1, `expected exactly one ${what}, got ${list.length}: ${JSON.stringify(list.map((f) => [f.ruleId, f.file, f.line]))}`)
  return list[0]
}

/** The site fixture (HTML inline script + a JS asset) with fresh keys, copied under `<tmp>/dist`. */
function siteDist() {
  const stripe = fakeKeys.stripeSecret()
  const github = fakeKeys.githubToken()
  const src = fixtureCopy('site', { __STRIPE_SECRET__: stripe, __GITHUB_TOKEN__: github })
  const cwd = tempDir('site-cwd')
  fs.renameSync(src, path.join(cwd, 'dist'))
  return { cwd, stripe, github }
}

describe('formats and exit codes', () => {
  let site
  before(() => { site = siteDist() })

  test('json: findings in the core shape, HTML inline script and JS asset, exit 1', () => {
    const r = runCli(['--format', 'json'], { cwd: site.cwd })
    assert.equal(r.code, 1, r.stderr)
    const data = parseJson(r)
    assert.equal(data.tool.name, 'secretgate')
    assert.match(data.tool.version, /^\d+\.\d+\.\d+/)
    const s = only(findingsFor(data, site.stripe), 'stripe finding')
    assert.equal(s.file, 'dist/index.html')
    assert.equal(s.line, 11)
    assert.equal(s.severity, 'error')
    const g = only(findingsFor(data, site.github), 'github finding')
    assert.equal(g.file, 'dist/assets/app.js')
    assert.equal(g.line, 1)
    for (const f of data.findings) {
      for (const k of ['ruleId', 'provider', 'severity', 'kind', 'message', 'file', 'line', 'column', 'endLine', 'endColumn', 'start', 'end', 'secret', 'fingerprint', 'context', 'call', 'envVar', 'original', 'suppressed']) {
        assert.ok(k in f, `finding has ${k}`)
      }
    }
    assert.equal(data.summary.failing, data.findings.filter((f) => f.severity === 'error').length)
    assert.equal(data.stats.files, 4)
    assertNoSecret(assert, r.stdout + r.stderr, [site.stripe, site.github])
  })

  test('human: blocks with masked code frames and a summary; no colour when not a TTY', () => {
    const r = runCli([], { cwd: site.cwd })
    assert.equal(r.code, 1)
    assert.match(r.stdout, /error \S+ {2}.+\n {2}at dist\/index\.html:11:\d+\n/)
    assert.match(r.stdout, /> 11 \| .*stripe: "\*{20,}"/)
    assert.match(r.stdout, /\n {2}at dist\/assets\/app\.js:1:\d+\n/)
    assert.match(r.stdout, /secretgate: \d+ errors?, \d+ warnings?, \d+ info in 4 files/)
    assert.ok(!r.stdout.includes('\x1b['), 'no ANSI codes when stdout is a pipe')
    assertNoSecret(assert, r.stdout + r.stderr, [site.stripe, site.github])
    const colored = runCli(['--color'], { cwd: site.cwd })
    assert.ok(colored.stdout.includes('\x1b[31m'))
    const noColor = runCli(['--color'], { cwd: site.cwd, env: { NO_COLOR: '1' } })
    assert.ok(!noColor.stdout.includes('\x1b['), 'NO_COLOR wins')
    const quiet = runCli(['--quiet'], { cwd: site.cwd })
    assert.equal(quiet.stdout.trim().split('\n').length, 1)
    assert.match(quiet.stdout, /^secretgate: /)
  })

  test('sarif: valid SARIF 2.1.0 with rules, help, locations and partial fingerprints', () => {
    const r = runCli(['--format', 'sarif'], { cwd: site.cwd })
    assert.equal(r.code, 1)
    const log = parseJson(r)
    const validate = h.sarifValidator()
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2))
    const run = log.runs[0]
    assert.equal(run.tool.driver.name, 'secretgate')
    const ids = run.results.map((x) => x.ruleId)
    assert.deepEqual(run.tool.driver.rules.map((x) => x.id), [...new Set(ids)].sort())
    for (const rule of run.tool.driver.rules) assert.ok(rule.help.text.length > 20, rule.id)
    const uris = run.results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri)
    assert.ok(uris.includes('dist/index.html') && uris.includes('dist/assets/app.js'), uris.join())
    for (const x of run.results) {
      assert.match(x.partialFingerprints['secretgate/v1'], /^[0-9a-f]+$/)
      assert.ok(x.locations[0].physicalLocation.region.startLine >= 1)
    }
    assertNoSecret(assert, r.stdout, [site.stripe, site.github])
  })

  test('github: one annotation per finding with file, line and col, then the summary', () => {
    const r = runCli(['--format', 'github'], { cwd: site.cwd })
    assert.equal(r.code, 1)
    const lines = r.stdout.trim().split('\n')
    assert.ok(lines.some((l) => /^::error file=dist\/index\.html,line=11,col=\d+,endLine=11,endColumn=\d+,title=secretgate [a-z0-9-]+::/.test(l)), r.stdout)
    assert.ok(lines.some((l) => /^::error file=dist\/assets\/app\.js,line=1,col=\d+/.test(l)))
    assert.match(lines[lines.length - 1], /^secretgate: /)
    assertNoSecret(assert, r.stdout, [site.stripe, site.github])
  })

  test('--output writes the report there (never scanned), the terminal gets the human report', () => {
    const before = listTree(site.cwd)
    const out = path.join(site.cwd, 'dist', 'report.sarif')
    const r = runCli(['--format', 'sarif', '--output', out], { cwd: site.cwd })
    assert.equal(r.code, 1)
    assert.match(r.stdout, /secretgate: .* in 4 files/, 'the report file itself is not scanned')
    assert.ok(h.sarifValidator()(JSON.parse(fs.readFileSync(out, 'utf8'))))
    fs.rmSync(out)
    assert.deepEqual(listTree(site.cwd), before, 'nothing else was written')
  })

  test('--fail-on, config failOn, and a clean folder', () => {
    const cwd = tempDir('failon')
    writeTree(cwd, { 'dist/index.html': '<!doctype html><p>hi</p>', 'dist/.env.example': 'API_URL=\n' })
    assert.equal(runCli([], { cwd }).code, 0, 'a warning does not fail at the default level')
    assert.equal(runCli(['--fail-on', 'warning'], { cwd }).code, 1)
    assert.equal(runCli(['--fail-on=info'], { cwd }).code, 1)
    fs.writeFileSync(path.join(cwd, 'secretgate.config.json'), JSON.stringify({ failOn: 'warning' }))
    assert.equal(runCli([], { cwd }).code, 1)
    assert.equal(runCli(['--fail-on', 'error'], { cwd }).code, 0, 'the flag wins over the config')
    fs.rmSync(path.join(cwd, 'dist', '.env.example'))
    const clean = runCli(['--fail-on', 'info'], { cwd })
    assert.equal(clean.code, 0)
    assert.match(clean.stdout, /secretgate: no findings in 1 file/)
  })

  test('same findings in the same order with --jobs 1 and --jobs 2', () => {
    const a = parseJson(runCli(['--format', 'json', '--jobs', '1'], { cwd: site.cwd }))
    const b = parseJson(runCli(['--format', 'json', '--jobs', '2'], { cwd: site.cwd }))
    assert.deepEqual(a.findings, b.findings)
    assert.deepEqual(a.notes, b.notes)
  })
})

function listTree(dir) {
  const out = []
  const visit = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : 1))) {
      const abs = path.join(d, e.name)
      out.push(path.relative(dir, abs))
      if (e.isDirectory() && !e.isSymbolicLink()) visit(abs)
    }
  }
  visit(dir)
  return out
}

describe('usage and I/O errors', () => {
  const cases = [
    [['--format', 'xml'], /--format must be one of human, json, sarif, github/],
    [['--jobs', '0'], /--jobs must be a whole number/],
    [['--fail-on', 'fatal'], /--fail-on must be one of error, warning, info/],
    [['--bogus'], /unknown option --bogus/],
    [['--output'], /--output needs a value/],
    [['does-not-exist'], /no such file or folder: does-not-exist/],
    [[], /no such file or folder: dist \(pass the build output folder as an argument\)/],
    [['.', '--baseline', 'missing.json'], /missing\.json: cannot read baseline \(ENOENT\)/],
    [['.', '--config', 'nope.json'], /nope\.json: config file not found/],
  ]
  for (const [args, re] of cases) {
    test(`${args.join(' ') || '(no args, no dist)'} → exit 2 with a one-line reason`, () => {
      const cwd = tempDir('usage')
      const r = runCli(args, { cwd })
      assert.equal(r.code, 2)
      assert.equal(r.stdout, '')
      assert.match(r.stderr, re)
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
      assert.match(r.stderr, /^secretgate: /)
    })
  }

  test('--help and --version', () => {
    const help = runCli(['--help'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /Usage: secretgate \[paths\.\.\.\]/)
    const v = runCli(['--version'])
    assert.equal(v.code, 0)
    assert.match(v.stdout, new RegExp(`^secretgate ${require('../../package.json').version.replace(/\./g, '\\.')}`))
  })

  test('empty folder: exit 0 with a note', () => {
    const cwd = tempDir('empty')
    fs.mkdirSync(path.join(cwd, 'dist'))
    const r = runCli(['--format', 'json'], { cwd })
    assert.equal(r.code, 0)
    const data = parseJson(r)
    assert.deepEqual(data.findings, [])
    assert.ok(data.notes.some((n) => n.code === 'empty'))
  })

  test('unreadable file: could not judge → exit 2, the rest is still scanned', () => {
    const cwd = tempDir('unreadable')
    const key = fakeKeys.stripeSecret()
    writeTree(cwd, { 'dist/a.js': `const k = "${key}";\n`, 'dist/secret.js': 'const x = 1\n', 'dist/b.js': 'const y = 2\n' })
    let uid
    let cli
    if (process.getuid && process.getuid() === 0) {
      // root reads anything: run the CLI as nobody, with everything but one file readable
      uid = 65534
      cli = h.worldReadableCli()
      for (const d of [cwd, path.join(cwd, 'dist')]) fs.chmodSync(d, 0o755)
      for (const f of ['a.js', 'b.js']) fs.chmodSync(path.join(cwd, 'dist', f), 0o644)
    }
    fs.chmodSync(path.join(cwd, 'dist', 'secret.js'), 0o000)
    const r = runCli(['--format', 'json'], { cwd, uid, cli })
    assert.equal(r.code, 2, r.stderr)
    const data = parseJson(r)
    assert.deepEqual(data.errors.map((e) => [e.file, e.message]), [['dist/secret.js', 'cannot read file (EACCES)']])
    assert.equal(findingsFor(data, key).length, 1, 'the readable files were judged')
    const human = runCli([], { cwd, uid, cli })
    assert.equal(human.code, 2)
    assert.match(human.stdout, /could not judge:\n {2}dist\/secret\.js: cannot read file \(EACCES\)/)
  })

  test('--show-secrets is refused under CI unless --force', () => {
    const cwd = tempDir('show')
    const key = fakeKeys.stripeSecret()
    writeTree(cwd, { 'dist/a.js': `const k = "${key}";\n` })
    const refused = runCli(['--show-secrets'], { cwd, env: { CI: 'true' } })
    assert.equal(refused.code, 2)
    assert.match(refused.stderr, /refusing --show-secrets under CI/)
    assert.equal(refused.stdout, '')
    const forced = runCli(['--show-secrets', '--force', '--format', 'json'], { cwd, env: { CI: 'true' } })
    assert.equal(forced.code, 1)
    assert.ok(forced.stdout.includes(key), 'the raw value is shown when asked for')
    const plain = runCli(['--format', 'json'], { cwd })
    assert.ok(!plain.stdout.includes(key))
  })
})

describe('files that must never be deployed', () => {
  test('.env, a private key file, .npmrc with a token and a .git folder in dist/', () => {
    const cwd = tempDir('deploy')
    const stripe = fakeKeys.stripeSecret()
    const npm = fakeKeys.npmToken()
    const { privateKey } = crypto.generateKeyPairSync('ed25519')
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' })
    writeTree(cwd, {
      'dist/index.html': '<!doctype html>',
      'dist/.env': `STRIPE_SECRET_KEY=${stripe}\nPORT=8080\n`,
      'dist/certs/server.key': pem,
      'dist/certs/ca.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      'dist/.npmrc': `//registry.npmjs.org/:_authToken=${npm}\n`,
      'dist/.git/HEAD': 'ref: refs/heads/main\n',
      'dist/.git/config': '[core]\n',
    })
    const r = runCli(['--format', 'json'], { cwd })
    assert.equal(r.code, 1)
    const data = parseJson(r)
    const deploy = data.findings.filter((f) => f.ruleId.startsWith('deploy-')).map((f) => [f.ruleId, f.file, f.severity])
    assert.deepEqual(deploy, [
      ['deploy-env-file', 'dist/.env', 'error'],
      ['deploy-git-folder', 'dist/.git', 'error'],
      ['deploy-credentials-file', 'dist/.npmrc', 'error'],
      ['deploy-private-key-file', 'dist/certs/server.key', 'error'],
    ])
    assert.ok(!data.findings.some((f) => f.file.startsWith('dist/.git/')), '.git is reported, not descended')
    assertNoSecret(assert, r.stdout, [stripe, npm, pem.split('\n')[1]])
    const human = runCli([], { cwd })
    assertNoSecret(assert, human.stdout, [stripe, npm, pem.split('\n')[1]])
    assert.match(human.stdout, /deploy-env-file {2}Env file \.env defining 2 variables \(STRIPE_SECRET_KEY, PORT\)/)
  })

  test('a source map whose sourcesContent carries server code is a warning', () => {
    const cwd = tempDir('server-map')
    writeTree(cwd, {
      'dist/app.js': 'console.log(1)\n//# sourceMappingURL=app.js.map\n',
      'dist/app.js.map': makeSourceMap({ file: 'app.js', sources: ['../src/db.server.js'], sourcesContent: ["import { readFileSync } from 'node:fs'\nexport const load = () => readFileSync('/data')\n"], segments: [[1, 0, 0, 2, 0]] }),
    })
    const r = runCli(['--format', 'json'], { cwd })
    assert.equal(r.code, 0)
    const f = only(parseJson(r).findings.filter((x) => x.ruleId === 'deploy-server-source-map'), 'server map finding')
    assert.equal(f.severity, 'warning')
    assert.equal(f.file, 'dist/app.js.map')
    assert.equal(f.original.file, 'src/db.server.js')
    assert.equal(runCli(['--fail-on', 'warning'], { cwd }).code, 1)
  })
})

describe('source maps', () => {
  test('a map beside the bundle gives the original file, line and column', () => {
    const cwd = tempDir('map-beside')
    const key = fakeKeys.stripeSecret()
    const bundle = `!function(){var a="${key}";fetch("/x",{headers:{k:a}})}();\n//# sourceMappingURL=app.js.map\n`
    const col = bundle.indexOf(key) - 1 // the string literal's quote
    writeTree(cwd, {
      'dist/assets/app.js': bundle,
      'dist/assets/app.js.map': makeSourceMap({ file: 'app.js', sources: ['../../src/settings.js'], segments: [[1, 0, 0, 1, 0], [1, col, 0, 4, 7]] }),
    })
    const data = parseJson(runCli(['--format', 'json'], { cwd }))
    const f = only(findingsFor(data, key), 'bundle finding')
    assert.equal(f.file, 'dist/assets/app.js')
    assert.deepEqual(f.original, { file: 'src/settings.js', line: 4, column: 8 })
    // the bundle given on its own: its map beside it is still followed
    const single = only(findingsFor(parseJson(runCli(['dist/assets/app.js', '--format', 'json'], { cwd })), key), 'finding')
    assert.deepEqual(single.original, { file: 'src/settings.js', line: 4, column: 8 })
    const gh = runCli(['--format', 'github'], { cwd })
    assert.match(gh.stdout, /^::error file=src\/settings\.js,line=4,col=8,title=secretgate [a-z0-9-]+::.* ships in dist\/assets\/app\.js:1:\d+$/m)
  })

  test('an inline data: URL map', () => {
    const cwd = tempDir('map-inline')
    const key = fakeKeys.githubToken()
    const code = `const t="${key}";fetch("/r",{headers:{Authorization:"token "+t}});`
    const map = makeSourceMap({ file: 'inline.js', sources: ['src/inline.ts'], segments: [[1, 0, 0, 5, 2], [1, code.indexOf(key) - 1, 0, 5, 16]] })
    writeTree(cwd, { 'dist/inline.js': `${code}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(map).toString('base64')}\n` })
    const data = parseJson(runCli(['--format', 'json'], { cwd }))
    const f = only(findingsFor(data, key), 'finding')
    assert.deepEqual(f.original, { file: 'dist/src/inline.ts', line: 5, column: 17 })
  })

  test('a broken map degrades to bundle locations with a note, never an error', () => {
    const cwd = tempDir('map-broken')
    const key = fakeKeys.stripeSecret()
    writeTree(cwd, {
      'dist/a.js': `var k="${key}";\n//# sourceMappingURL=a.js.map\n`,
      'dist/a.js.map': '{"version":3,"sources":["../src/a.js"],"mappings":"AAAA',
      'dist/b.js': `var k2="${key}";\n//# sourceMappingURL=gone.js.map\n`,
    })
    const r = runCli(['--format', 'json'], { cwd })
    assert.equal(r.code, 1, 'the finding fails the run; the broken map does not make it exit 2')
    const data = parseJson(r)
    assert.deepEqual(data.errors, [])
    const fs2 = findingsFor(data, key).filter((f) => f.file !== 'dist/a.js.map')
    assert.deepEqual(fs2.map((f) => [f.file, f.original]), [['dist/a.js', null], ['dist/b.js', null]])
    assert.ok(data.notes.some((n) => n.file === 'dist/a.js' && n.code === 'sourcemap-invalid'), JSON.stringify(data.notes))
    assert.ok(data.notes.some((n) => n.file === 'dist/b.js' && n.code === 'sourcemap-missing'))
  })

  test('a sourceMappingURL pointing outside the scanned roots is not followed', () => {
    const cwd = tempDir('map-outside')
    const key = fakeKeys.stripeSecret()
    const other = fakeKeys.githubToken()
    writeTree(cwd, {
      'outside.map': makeSourceMap({ file: 'a.js', sources: ['leak.js'], sourcesContent: [`const t = "${other}"`], segments: [[1, 0, 0, 1, 0]] }),
      'dist/a.js': `var k="${key}";\n//# sourceMappingURL=../outside.map\n`,
      'dist/b.js': `var k="${key}";\n//# sourceMappingURL=/etc/passwd\n`,
    })
    const r = runCli(['--format', 'json'], { cwd })
    const data = parseJson(r)
    assert.equal(findingsFor(data, other).length, 0, 'the outside map was not read')
    assert.deepEqual(findingsFor(data, key).map((f) => [f.file, f.original]), [['dist/a.js', null], ['dist/b.js', null]])
    assert.deepEqual(data.notes.filter((n) => /^sourcemap-/.test(n.code)).map((n) => [n.file, n.code]), [['dist/a.js', 'sourcemap-outside-root'], ['dist/b.js', 'sourcemap-outside-root']])
    assert.ok(!r.stdout.includes('root:x:0'))
  })

  test("a secret found only in a map's sourcesContent", () => {
    const cwd = tempDir('map-only')
    const key = fakeKeys.stripeSecret()
    writeTree(cwd, {
      'dist/app.js': 'console.log("ok");\n//# sourceMappingURL=app.js.map\n',
      'dist/app.js.map': makeSourceMap({
        file: 'app.js', sources: ['../src/unused.js', '../src/app.js'],
        sourcesContent: [`// dead code the minifier dropped\n\nexport const key = "${key}"\n`, 'console.log("ok")\n'],
        segments: [[1, 0, 1, 1, 0]],
      }),
    })
    const r = runCli(['--format', 'json'], { cwd })
    assert.equal(r.code, 1)
    const f = only(findingsFor(parseJson(r), key), 'finding')
    assert.equal(f.file, 'dist/app.js.map')
    assert.equal(f.original.file, 'src/unused.js')
    assert.equal(f.original.line, 3)
    assertNoSecret(assert, runCli([], { cwd }).stdout, [key])
  })

  test('a bundle built by real Vite: original file and line, ignore comment honoured through the map', async () => {
    const stripe = fakeKeys.stripeSecret()
    const github = fakeKeys.githubToken()
    const app = fixtureCopy('vite-app', { __STRIPE_SECRET__: stripe, __GITHUB_TOKEN__: github })
    const { build } = await import('vite')
    await build({ root: app, configFile: false, logLevel: 'silent', build: { outDir: path.join(app, 'dist'), sourcemap: true, minify: true } })
    const bundle = fs.readdirSync(path.join(app, 'dist', 'assets')).find((f) => f.endsWith('.js'))
    const minified = fs.readFileSync(path.join(app, 'dist', 'assets', bundle), 'utf8')
    assert.ok(!minified.includes('secretgate-ignore'), 'the minifier stripped the comment')

    const r = runCli(['--format', 'json'], { cwd: app })
    assert.equal(r.code, 1, r.stderr)
    const data = parseJson(r)
    const s = only(findingsFor(data, stripe).filter((f) => f.file === `dist/assets/${bundle}`), 'stripe finding in the bundle')
    assert.equal(s.original.file, 'src/config.js')
    assert.equal(s.original.line, 2)
    assert.equal(s.suppressed, null)
    const g = only(findingsFor(data, github).filter((f) => f.file === `dist/assets/${bundle}`), 'github finding in the bundle')
    assert.equal(g.original.file, 'src/config.js')
    assert.equal(g.original.line, 4)
    assert.deepEqual(g.suppressed, { reason: 'read-only token for the public demo board', by: 'inline' })
    // the map's own sourcesContent: same verdicts
    const inMap = findingsFor(data, github).filter((f) => f.file.endsWith('.map'))
    assert.ok(inMap.length >= 1 && inMap.every((f) => f.suppressed && f.suppressed.by === 'inline'), JSON.stringify(inMap))
    assert.equal(data.summary.suppressed, data.findings.filter((f) => f.suppressed).length)

    const human = runCli([], { cwd: app })
    assert.match(human.stdout, /from src\/config\.js:2:\d+/)
    assert.match(human.stdout, /suppressed \(\d+\):\n.*\(inline: read-only token for the public demo board\)/)
    assertNoSecret(assert, human.stdout, [stripe, github])
    const sarif = parseJson(runCli(['--format', 'sarif'], { cwd: app }))
    assert.ok(h.sarifValidator()(sarif))
    const suppressedResults = sarif.runs[0].results.filter((x) => x.suppressions)
    assert.ok(suppressedResults.length >= 1 && suppressedResults.every((x) => x.suppressions[0].kind === 'inSource'))
    assert.ok(sarif.runs[0].results.some((x) => !x.suppressions && x.locations[0].physicalLocation.artifactLocation.uri === 'src/config.js'))
  })

  test('a bundle built by real webpack: webpack:// sources become project paths', async () => {
    const github = fakeKeys.githubToken()
    const app = fixtureCopy('webpack-app', { __GITHUB_TOKEN__: github })
    const webpack = require('webpack')
    await new Promise((resolve, reject) => {
      webpack({
        mode: 'production', context: app, entry: './src/index.js', devtool: 'source-map',
        output: { path: path.join(app, 'dist'), filename: 'main.js' },
        infrastructureLogging: { level: 'none' }, stats: 'none',
      }, (err, stats) => (err ? reject(err) : stats.hasErrors() ? reject(new Error(stats.toString())) : resolve()))
    })
    const data = parseJson(runCli(['--format', 'json'], { cwd: app }))
    const f = only(findingsFor(data, github).filter((x) => x.file === 'dist/main.js'), 'bundle finding')
    assert.equal(f.original.file, 'src/keys.js')
    assert.equal(f.original.line, 4)
  })
})

describe('walking', () => {
  test('symlink loop and symlink out of the root', () => {
    const cwd = tempDir('links')
    const outside = tempDir('links-outside')
    const key = fakeKeys.stripeSecret()
    writeTree(outside, { 'secret.js': `const k = "${key}";\n` })
    writeTree(cwd, { 'dist/index.html': '<!doctype html>', 'dist/sub/a.txt': 'hello\n' })
    fs.symlinkSync('..', path.join(cwd, 'dist', 'sub', 'loop'))
    fs.symlinkSync(outside, path.join(cwd, 'dist', 'elsewhere'))
    fs.symlinkSync(path.join(outside, 'secret.js'), path.join(cwd, 'dist', 'linked.js'))
    fs.symlinkSync('index.html', path.join(cwd, 'dist', 'alias.html'))
    const r = runCli(['--format', 'json'], { cwd })
    assert.equal(r.code, 0, r.stdout)
    const data = parseJson(r)
    assert.deepEqual(data.findings, [])
    const codes = data.notes.map((n) => [n.file, n.code])
    assert.deepEqual(codes.filter(([, c]) => c !== 'duplicate'), [
      ['dist/elsewhere', 'symlink-outside-root'],
      ['dist/linked.js', 'symlink-outside-root'],
      ['dist/sub/loop', 'symlink-loop'],
    ])
    assert.equal(data.stats.files, 2, 'index.html and sub/a.txt, each once')
  })

  test('binary files are skipped with a note; invalid UTF-8 is still scanned; precompressed assets are scanned', () => {
    const cwd = tempDir('binary')
    const key = fakeKeys.stripeSecret()
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from(`tEXt k=${key}`)])
    const wasm = Buffer.concat([Buffer.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), Buffer.from(key)])
    const latin1 = Buffer.concat([Buffer.from('// caf'), Buffer.from([0xe9, 0xff, 0xfe]), Buffer.from(`\nconst k = "${key}";\n`)])
    writeTree(cwd, {
      'dist/logo.png': png, 'dist/app.wasm': wasm, 'dist/font.woff2': Buffer.from([0x77, 0x4f, 0x46, 0x32, 0, 1, 2]),
      'dist/blob.bin.txt': Buffer.concat([Buffer.from([0, 1, 2, 3, 0]), Buffer.from(key)]),
      'dist/legacy.js': latin1,
      'dist/app.js.gz': zlib.gzipSync(`const key = "${key}";\n`),
    })
    const r = runCli(['--format', 'json'], { cwd })
    assert.equal(r.code, 1)
    const data = parseJson(r)
    assert.deepEqual(data.notes.filter((n) => n.code === 'binary').map((n) => n.file), ['dist/app.wasm', 'dist/blob.bin.txt', 'dist/font.woff2', 'dist/logo.png'])
    assert.deepEqual(findingsFor(data, key).map((f) => [f.file, f.line]), [['dist/app.js.gz', 1], ['dist/legacy.js', 2]])
    assert.equal(data.stats.binary, 4)
    const human = runCli([], { cwd })
    assert.match(human.stdout, /skipped 4 binary files/)
    assertNoSecret(assert, human.stdout, [key])
  })
})

describe('configuration and suppression', () => {
  test('config file errors exit 2 with a message naming the file and the bad key', () => {
    const cwd = tempDir('cfg-err')
    writeTree(cwd, { 'dist/a.js': 'x\n' })
    const file = path.join(cwd, 'secretgate.config.json')
    const cases = [
      [{ ignor: ['x'] }, /secretgate\.config\.json: "ignor" is not a known option/],
      [{ rules: { 'stripe-secret-key': 'fatal' } }, /"rules\.stripe-secret-key" must be one of off, error, warning, info/],
      [{ allow: [{ fingerprint: 'abcdef12' }] }, /"allow\[0\]\.reason" is required/],
      [{ rules: { 'no-such-rule': 'off' } }, /"rules\.no-such-rule" is not a known rule id/],
    ]
    for (const [raw, re] of cases) {
      fs.writeFileSync(file, JSON.stringify(raw))
      const r = runCli(['dist'], { cwd })
      assert.equal(r.code, 2, JSON.stringify(raw))
      assert.match(r.stderr, re)
      assert.ok(r.stderr.includes(file), r.stderr)
      assert.equal(r.stderr.trim().split('\n').length, 1)
    }
    fs.writeFileSync(file, '{ "ignore": [ }')
    assert.match(runCli(['dist'], { cwd }).stderr, /secretgate\.config\.json: invalid JSON/)
    // found upward from a subfolder
    const sub = path.join(cwd, 'packages', 'web')
    fs.mkdirSync(sub, { recursive: true })
    fs.writeFileSync(file, JSON.stringify({ failOn: 'nope' }))
    const up = runCli([path.join(cwd, 'dist')], { cwd: sub })
    assert.equal(up.code, 2)
    assert.match(up.stderr, /"failOn" must be one of/)
  })

  test('ignore, rules and allow from the config; suppressed findings are counted and listed', () => {
    const cwd = tempDir('cfg')
    const a = fakeKeys.stripeSecret()
    const b = fakeKeys.githubToken()
    const c = fakeKeys.stripeSecret()
    writeTree(cwd, {
      'dist/app.js': `const a = "${a}";\nconst b = { token: "${b}" };\n`,
      'dist/legacy/old.js': `const c = "${c}";\n`,
      'dist/.env.example': 'A=\n',
    })
    const first = parseJson(runCli(['--format', 'json'], { cwd }))
    const fa = only(findingsFor(first, a), 'a')
    const fb = only(findingsFor(first, b), 'b')
    fs.writeFileSync(path.join(cwd, 'secretgate.config.mjs'), `export default ${JSON.stringify({
      ignore: ['legacy/**'],
      rules: { 'deploy-env-file': 'off', 'env-wholesale-define': 'off' }, // the second is a plugin rule: valid here too
      allow: [{ fingerprint: fa.fingerprint, reason: 'test-mode key, rotated' }, { rule: fb.ruleId, file: 'app.js', context: '*token*', reason: 'public read-only token' }],
    })}\n`)
    const r = runCli(['--format', 'json'], { cwd })
    assert.equal(r.code, 0, r.stdout)
    const data = parseJson(r)
    assert.equal(findingsFor(data, c).length, 0, 'ignored folder not scanned')
    assert.equal(data.findings.filter((f) => f.ruleId === 'deploy-env-file').length, 0, 'rule turned off')
    assert.deepEqual(only(findingsFor(data, a), 'a').suppressed, { reason: 'test-mode key, rotated', by: 'allow' })
    assert.deepEqual(only(findingsFor(data, b), 'b').suppressed, { reason: 'public read-only token', by: 'allow' })
    assert.equal(data.summary.suppressed, 2)
    assert.equal(data.stats.ignored, 1)
    const human = runCli([], { cwd })
    assert.match(human.stdout, /secretgate: no findings, 2 suppressed in 2 files/)
    const sarif = parseJson(runCli(['--format', 'sarif'], { cwd }))
    assert.deepEqual(sarif.runs[0].results.map((x) => x.suppressions[0]), [
      { kind: 'external', status: 'accepted', justification: data.findings[0].suppressed.reason },
      { kind: 'external', status: 'accepted', justification: data.findings[1].suppressed.reason },
    ])
    // --config points elsewhere: the found file is not used
    fs.writeFileSync(path.join(cwd, 'other.json'), '{}')
    assert.equal(runCli(['--config', 'other.json'], { cwd }).code, 1)
  })

  test('baseline round trip: write, accept, new finding fails, stale entries listed', () => {
    const cwd = tempDir('baseline')
    const a = fakeKeys.stripeSecret()
    const b = fakeKeys.githubToken()
    writeTree(cwd, { 'dist/a.js': `const a = "${a}";\n`, 'dist/b.js': `const b = "${b}";\n` })
    const w = runCli(['--write-baseline', 'secretgate-baseline.json'], { cwd })
    assert.equal(w.code, 0, 'what the baseline lists is accepted')
    assert.match(w.stderr, /wrote 2 baseline entries to secretgate-baseline\.json/)
    const text = fs.readFileSync(path.join(cwd, 'secretgate-baseline.json'), 'utf8')
    assertNoSecret(assert, text, [a, b])
    const base = JSON.parse(text)
    assert.deepEqual(base.entries.map((e) => Object.keys(e).sort().join()), ['file,fingerprint,ruleId,secret', 'file,fingerprint,ruleId,secret'])

    const ok = runCli(['--baseline', 'secretgate-baseline.json', '--format', 'json'], { cwd })
    assert.equal(ok.code, 0)
    const okData = parseJson(ok)
    assert.ok(okData.findings.length === 2 && okData.findings.every((f) => f.suppressed.by === 'baseline'))

    const c = fakeKeys.stripeSecret()
    fs.writeFileSync(path.join(cwd, 'dist', 'b.js'), `const c = "${c}";\n`)
    const r = runCli(['--baseline', 'secretgate-baseline.json', '--format', 'json'], { cwd })
    assert.equal(r.code, 1)
    const data = parseJson(r)
    assert.equal(only(findingsFor(data, c), 'new').suppressed, null)
    assert.equal(only(findingsFor(data, a), 'old').suppressed.by, 'baseline')
    const stale = data.notes.filter((n) => n.code === 'baseline-stale')
    assert.equal(stale.length, 1)
    assert.match(stale[0].message, /in dist\/b\.js/)
    assertNoSecret(assert, r.stdout, [a, b, c])
  })
})

describe('worker pool', () => {
  function threeFiles() {
    const cwd = tempDir('pool')
    const key = fakeKeys.stripeSecret()
    // b.js is the biggest, so it is handed out first and the others wait queued behind it: they
    // must go to another thread when b.js's thread dies, not be reported with it
    writeTree(cwd, { 'dist/a.js': `const a = "${key}";\n`, 'dist/b.js': 'const b = 1;\n' + '// padding\n'.repeat(50), 'dist/c.js': `const c = "${key}";\n` })
    return { cwd, key }
  }
  for (const [mode, re] of [['exit', /the scanning thread died on this file/], ['internal', /the scanner failed on this file/], ['overflow', /./]]) {
    test(`a ${mode} while scanning one file: that file could not be judged (exit 2), the rest is`, () => {
      const { cwd, key } = threeFiles()
      for (const jobs of ['1', '2']) {
        const r = runCli(['--format', 'json', '--jobs', jobs], { cwd, env: { SECRETGATE_TEST_WORKER_FAULT: `${mode}:b.js` } })
        assert.equal(r.code, 2, r.stderr)
        const data = parseJson(r)
        assert.deepEqual(data.errors.map((e) => e.file), ['dist/b.js'])
        assert.match(data.errors[0].message, re)
        assert.deepEqual(findingsFor(data, key).map((f) => f.file), ['dist/a.js', 'dist/c.js'])
      }
    })
  }
})
