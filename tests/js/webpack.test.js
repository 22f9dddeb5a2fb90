'use strict'
// The webpack plugin through real webpack 5 builds (Node API): what DefinePlugin, EnvironmentPlugin
// and a whole-environment define inline, an HTML page from html-webpack-plugin, publishable keys,
// a real app with heavy dependencies, options (failOn, allow, report, onError, config errors).
// Every failing build is checked for the one thing that matters: no written file holds the key.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const webpack = require('webpack')
const HtmlWebpackPlugin = require('html-webpack-plugin')
const { fakeKeys } = require('./helpers/fake-keys.js')
const h = require('./helpers/webpack-harness.js')

const { SecretgatePlugin } = h

test.after(h.cleanupTempDirs)

/** The redacted findings behind the plugin's errors (or warnings). */
function findingsOf(stats, kind = 'errors') {
  return stats.compilation[kind].map((e) => e.finding).filter(Boolean)
}

function summaryCount(log) {
  return (log.match(/secretgate: \d+ errors?, \d+ warnings?, \d+ info/g) || []).length
}

function assertNoLeak(result, outDir, secrets) {
  const printed = h.everythingPrinted(result)
  for (const secret of secrets) {
    assert.deepEqual(h.filesHolding(outDir, secret), [], 'a written file holds the secret')
    assert.equal(printed.includes(secret), false, 'the build output printed the raw secret')
  }
}

test('DefinePlugin inlining process.env.AWS_SECRET_ACCESS_KEY fails the build and names the variable', async () => {
  const accessKeyId = fakeKeys.awsAccessKeyId()
  const secretAccessKey = fakeKeys.awsSecretAccessKey()
  const config = h.baseConfig(path.join(h.FIXTURES, 'define-aws'), {
    plugins: [
      new webpack.DefinePlugin({
        'process.env.AWS_ACCESS_KEY_ID': JSON.stringify(accessKeyId),
        'process.env.AWS_SECRET_ACCESS_KEY': JSON.stringify(secretAccessKey),
      }),
      new SecretgatePlugin(),
    ],
  })
  const result = await h.runBuild(webpack, config)
  assert.ifError(result.err)
  assert.equal(result.stats.hasErrors(), true)
  const findings = findingsOf(result.stats)
  const secretFinding = findings.find((f) => f.envVar === 'AWS_SECRET_ACCESS_KEY')
  assert.ok(secretFinding, `no finding names AWS_SECRET_ACCESS_KEY: ${JSON.stringify(findings.map((f) => [f.ruleId, f.envVar]))}`)
  assert.equal(secretFinding.severity, 'error')
  assert.equal(secretFinding.file, 'main.js')
  assert.match(secretFinding.message, /AWS_SECRET_ACCESS_KEY/)
  assert.match(secretFinding.message, /DefinePlugin/)
  // devtool is off: the module itself places it, at the expression DefinePlugin replaced
  assert.deepEqual(secretFinding.original, { file: 'src/index.js', line: 6, column: 20 })
  const json = result.stats.toJson({ all: false, errors: true })
  const err = json.errors.find((e) => /AWS_SECRET_ACCESS_KEY/.test(e.message.split('\n')[0]))
  assert.equal(err.file, 'main.js')
  assert.ok(err.loc, 'the error carries a location')
  assert.match(err.message, /from src\/index\.js:6:20/)
  assert.equal(summaryCount(result.log), 1, `summary printed ${summaryCount(result.log)} times:\n${result.log}`)
  assert.deepEqual(h.listFiles(config.output.path), [], 'a failing build writes nothing')
  assertNoLeak(result, config.output.path, [secretAccessKey])
})

test('with devtool source-map the original location comes through the map', async () => {
  const secretAccessKey = fakeKeys.awsSecretAccessKey()
  const config = h.baseConfig(path.join(h.FIXTURES, 'define-aws'), {
    devtool: 'source-map',
    plugins: [
      new webpack.DefinePlugin({
        'process.env.AWS_ACCESS_KEY_ID': JSON.stringify(fakeKeys.awsAccessKeyId()),
        'process.env.AWS_SECRET_ACCESS_KEY': JSON.stringify(secretAccessKey),
      }),
      new SecretgatePlugin(),
    ],
  })
  const result = await h.runBuild(webpack, config)
  assert.equal(result.stats.hasErrors(), true)
  const f = findingsOf(result.stats).find((x) => x.file === 'main.js' && x.envVar === 'AWS_SECRET_ACCESS_KEY')
  assert.ok(f, 'finding in main.js')
  assert.equal(f.original.file, 'src/index.js')
  assert.equal(f.original.line, 6)
  assert.deepEqual(h.listFiles(config.output.path), [])
  assertNoLeak(result, config.output.path, [secretAccessKey])
})

test("EnvironmentPlugin(['GITHUB_TOKEN']) with a checksum-valid token fails the build", async (t) => {
  const token = fakeKeys.githubToken()
  const saved = process.env.GITHUB_TOKEN
  process.env.GITHUB_TOKEN = token
  t.after(() => {
    if (saved === undefined) delete process.env.GITHUB_TOKEN
    else process.env.GITHUB_TOKEN = saved
  })
  const config = h.baseConfig(path.join(h.FIXTURES, 'environment-github'), {
    plugins: [new webpack.EnvironmentPlugin(['GITHUB_TOKEN']), new SecretgatePlugin()],
  })
  const result = await h.runBuild(webpack, config)
  assert.equal(result.stats.hasErrors(), true)
  const f = findingsOf(result.stats).find((x) => x.envVar === 'GITHUB_TOKEN')
  assert.ok(f, `no finding names GITHUB_TOKEN: ${JSON.stringify(findingsOf(result.stats).map((x) => [x.ruleId, x.envVar]))}`)
  assert.match(f.ruleId, /github/)
  assert.match(f.message, /EnvironmentPlugin/)
  assert.doesNotMatch(f.message, /DefinePlugin/, 'the DefinePlugin inside EnvironmentPlugin is not named')
  assert.equal(f.original && f.original.file, 'src/index.js')
  assert.equal(f.original.line, 4)
  assert.deepEqual(h.listFiles(config.output.path), [])
  assertNoLeak(result, config.output.path, [token])
})

test('defining the whole of process.env is an error of its own', async (t) => {
  const stripeKey = fakeKeys.stripeSecret()
  const saved = process.env.STRIPE_SECRET_KEY
  process.env.STRIPE_SECRET_KEY = stripeKey
  t.after(() => {
    if (saved === undefined) delete process.env.STRIPE_SECRET_KEY
    else process.env.STRIPE_SECRET_KEY = saved
  })
  for (const [label, definitions] of [
    ['JSON.stringify(process.env)', { 'process.env': JSON.stringify(process.env) }],
    ['an object of JSON-stringified values', { 'process.env': Object.fromEntries(Object.entries(process.env).map(([k, v]) => [k, JSON.stringify(v)])) }],
  ]) {
    const config = h.baseConfig(path.join(h.FIXTURES, 'whole-env'), {
      plugins: [new webpack.DefinePlugin(definitions), new SecretgatePlugin()],
    })
    const result = await h.runBuild(webpack, config)
    assert.equal(result.stats.hasErrors(), true, label)
    const findings = findingsOf(result.stats)
    const wholesale = findings.find((f) => f.ruleId === 'env-wholesale-define')
    assert.ok(wholesale, `${label}: no env-wholesale-define finding: ${JSON.stringify(findings.map((f) => f.ruleId))}`)
    assert.match(wholesale.message, /process\.env/)
    assert.equal(wholesale.file, 'webpack.config.js')
    const stripe = findings.find((f) => f.envVar === 'STRIPE_SECRET_KEY')
    assert.ok(stripe, `${label}: the Stripe key itself is reported too`)
    // placed where the module reads process.env, not in the comment that mentions it
    assert.deepEqual(stripe.original, { file: 'src/index.js', line: 2, column: 13 }, label)
    assert.deepEqual(h.listFiles(config.output.path), [], label)
    assertNoLeak(result, config.output.path, [stripeKey])
  }
})

test('a secret only in an html-webpack-plugin page fails the build; the page is not written', async () => {
  const key = fakeKeys.sendgridKey()
  const dir = h.fixtureCopy('html-page')
  const template = path.join(dir, 'src', 'index.template.html')
  fs.writeFileSync(template, fs.readFileSync(template, 'utf8').replace('__FAKE_SENDGRID_KEY__', key))
  const config = h.baseConfig(dir, {
    plugins: [new HtmlWebpackPlugin({ template: './src/index.template.html' }), new SecretgatePlugin()],
  })
  const result = await h.runBuild(webpack, config)
  assert.equal(result.stats.hasErrors(), true)
  const f = findingsOf(result.stats).find((x) => x.file === 'index.html')
  assert.ok(f, `no finding in index.html: ${JSON.stringify(findingsOf(result.stats).map((x) => [x.ruleId, x.file]))}`)
  assert.match(f.ruleId, /sendgrid/)
  assert.equal(f.original && f.original.file, 'src/index.template.html')
  assert.equal(f.original.line, 7)
  assert.deepEqual(findingsOf(result.stats).filter((x) => x.file === 'main.js'), [], 'the bundle is clean')
  assert.deepEqual(h.listFiles(config.output.path), [])
  assertNoLeak(result, config.output.path, [key])
})

test('publishable keys only: the build passes and writes its files', async (t) => {
  const pk = fakeKeys.stripePublishable()
  const saved = process.env.STRIPE_PUBLISHABLE_KEY
  process.env.STRIPE_PUBLISHABLE_KEY = pk
  t.after(() => {
    if (saved === undefined) delete process.env.STRIPE_PUBLISHABLE_KEY
    else process.env.STRIPE_PUBLISHABLE_KEY = saved
  })
  const config = h.baseConfig(path.join(h.FIXTURES, 'publishable'), {
    plugins: [new webpack.EnvironmentPlugin(['STRIPE_PUBLISHABLE_KEY']), new HtmlWebpackPlugin(), new SecretgatePlugin()],
  })
  const result = await h.runBuild(webpack, config)
  assert.equal(result.stats.hasErrors(), false, result.stats.toString({ all: false, errors: true }))
  assert.deepEqual(h.gateProblems(result.stats, 'warnings'), [])
  assert.deepEqual(h.listFiles(config.output.path), ['index.html', 'main.js'])
  assert.equal(h.filesHolding(config.output.path, pk).length, 1, 'the publishable key ships, as intended')
  assert.equal(summaryCount(result.log), 0, 'no failure summary for a passing build')
})

test('a real app with heavy dependencies (react + react-dom) passes', async () => {
  const config = h.baseConfig(path.join(h.FIXTURES, 'react-app'), {
    devtool: 'source-map',
    plugins: [
      new webpack.DefinePlugin({ 'process.env.STRIPE_PUBLISHABLE_KEY': JSON.stringify(fakeKeys.stripePublishable()) }),
      new HtmlWebpackPlugin(),
      new SecretgatePlugin(),
    ],
  })
  const result = await h.runBuild(webpack, config)
  assert.equal(result.stats.hasErrors(), false, result.stats.toString({ all: false, errors: true }))
  assert.deepEqual(h.gateProblems(result.stats, 'warnings'), [])
  const files = h.listFiles(config.output.path)
  assert.ok(files.includes('main.js') && files.includes('main.js.map') && files.includes('index.html'), files.join(', '))
  assert.ok(fs.statSync(path.join(config.output.path, 'main.js')).size > 100_000, 'react and react-dom are bundled')
})

test('options: allow by fingerprint, failOn, and config errors', async (t) => {
  const token = fakeKeys.githubToken()
  const dir = path.join(h.FIXTURES, 'environment-github')
  const defs = () => new webpack.DefinePlugin({ 'process.env.GITHUB_TOKEN': JSON.stringify(token) })

  await t.test('allow by fingerprint accepts a finding: the build passes, the summary counts it suppressed', async () => {
    const first = await h.runBuild(webpack, h.baseConfig(dir, { plugins: [defs(), new SecretgatePlugin()] }))
    assert.equal(first.stats.hasErrors(), true)
    const allow = findingsOf(first.stats).map((f) => ({ fingerprint: f.fingerprint, reason: 'test: accepted on purpose' }))
    assert.ok(allow.length > 0)
    const config = h.baseConfig(dir, {
      infrastructureLogging: { level: 'log' },
      plugins: [defs(), new SecretgatePlugin({ allow })],
    })
    const second = await h.runBuild(webpack, config)
    assert.equal(second.stats.hasErrors(), false, second.stats.toString({ all: false, errors: true }))
    assert.match(second.log, /suppressed/)
    assert.deepEqual(h.listFiles(config.output.path), ['main.js'])
  })

  await t.test("failOn: 'info' fails a build with only a publishable key", async () => {
    const config = h.baseConfig(path.join(h.FIXTURES, 'publishable'), {
      plugins: [
        new webpack.DefinePlugin({ 'process.env.STRIPE_PUBLISHABLE_KEY': JSON.stringify(fakeKeys.stripePublishable()) }),
        new SecretgatePlugin({ failOn: 'info' }),
      ],
    })
    const result = await h.runBuild(webpack, config)
    assert.equal(result.stats.hasErrors(), true)
    assert.ok(findingsOf(result.stats).every((f) => f.severity === 'info'))
    assert.deepEqual(h.listFiles(config.output.path), [])
  })

  await t.test('a bad option is refused at construction, naming the key', () => {
    assert.throws(() => new SecretgatePlugin({ failOn: 'fatal' }), /failOn/)
    assert.throws(() => new SecretgatePlugin({ ignores: ['*.map'] }), /"ignores" is not a known option/)
    assert.throws(() => new SecretgatePlugin({ onError: 'ignore' }), /onError/)
  })

  await t.test('a bad config file is a compilation error naming the key, and nothing is written', async () => {
    const copy = h.fixtureCopy('environment-github', { 'secretgate.config.json': JSON.stringify({ rules: { 'github-pat': 'loud' } }) })
    const config = h.baseConfig(copy, { plugins: [defs(), new SecretgatePlugin()] })
    const result = await h.runBuild(webpack, config)
    assert.equal(result.stats.hasErrors(), true)
    const messages = result.stats.toJson({ all: false, errors: true }).errors.map((e) => e.message).join('\n')
    assert.match(messages, /secretgate\.config\.json.*rules\.github-pat/)
    assert.deepEqual(h.listFiles(config.output.path), [])
  })
})

test('report option writes a JSON report with redacted values only', async () => {
  const key = fakeKeys.stripeSecret()
  const out = h.tempDir('report')
  const reportFile = path.join(out, 'report', 'secretgate.json')
  const config = h.baseConfig(path.join(h.FIXTURES, 'define-aws'), {
    plugins: [
      new webpack.DefinePlugin({ 'process.env.AWS_SECRET_ACCESS_KEY': JSON.stringify(key) }),
      new SecretgatePlugin({ report: reportFile }),
    ],
  })
  const result = await h.runBuild(webpack, config)
  assert.equal(result.stats.hasErrors(), true)
  const text = fs.readFileSync(reportFile, 'utf8')
  assert.equal(text.includes(key), false)
  const report = JSON.parse(text)
  assert.ok(JSON.stringify(report).includes('AWS_SECRET_ACCESS_KEY'))
})

test("fail closed: a scan that throws SECRETGATE_INTERNAL fails the build naming the asset, unless onError: 'warn'", async (t) => {
  // gate.js's test-only fault hook: the real core cannot be made to trap on purpose
  process.env.SECRETGATE_TEST_GATE_FAULT = 'internal:main.js'
  t.after(() => {
    delete process.env.SECRETGATE_TEST_GATE_FAULT
  })
  const dir = path.join(h.FIXTURES, 'publishable')

  const failing = h.baseConfig(dir, { plugins: [new HtmlWebpackPlugin(), new SecretgatePlugin()] })
  const r1 = await h.runBuild(webpack, failing)
  assert.equal(r1.stats.hasErrors(), true)
  const errors = r1.stats.toJson({ all: false, errors: true }).errors
  const unjudged = errors.find((e) => /could not scan main\.js/.test(e.message))
  assert.ok(unjudged, errors.map((e) => e.message).join('\n'))
  assert.equal(unjudged.file, 'main.js')
  assert.deepEqual(h.listFiles(failing.output.path), [], 'an unjudged asset is not written, nor anything else')

  const warning = h.baseConfig(dir, { plugins: [new HtmlWebpackPlugin(), new SecretgatePlugin({ onError: 'warn' })] })
  const r2 = await h.runBuild(webpack, warning)
  assert.equal(r2.stats.hasErrors(), false, r2.stats.toString({ all: false, errors: true }))
  const warnings = r2.stats.toJson({ all: false, warnings: true }).warnings.map((e) => e.message).join('\n')
  assert.match(warnings, /could not scan main\.js/)
  assert.deepEqual(h.listFiles(warning.output.path), ['index.html', 'main.js'])
})

test('a .env value with no known format is found in the output, also base64-encoded, and names the variable', async () => {
  const signing = fakeKeys.hex(40)
  const password = fakeKeys.hex(32)
  const dir = h.fixtureCopy('dotenv-value', {
    // values only: .env files are read as they are, no prefix exposes them
    '.env': `INTERNAL_SIGNING_SECRET=${signing}\nINTERNAL_API_PASSWORD=${password}\n`,
    'src/credentials.js': `export const signingSecret = '${signing}'\nexport const basicAuth = 'Basic ${Buffer.from(password).toString('base64')}'\n`,
  })
  const config = h.baseConfig(dir, { plugins: [new SecretgatePlugin()] })
  const result = await h.runBuild(webpack, config)
  assert.equal(result.stats.hasErrors(), true)
  const findings = findingsOf(result.stats)
  const plain = findings.find((f) => f.envVar === 'INTERNAL_SIGNING_SECRET')
  const encoded = findings.find((f) => f.envVar === 'INTERNAL_API_PASSWORD')
  assert.ok(plain, JSON.stringify(findings.map((f) => [f.ruleId, f.envVar])))
  assert.ok(encoded, `base64 form not found: ${JSON.stringify(findings.map((f) => [f.ruleId, f.envVar]))}`)
  assert.equal(plain.original && plain.original.file, 'src/credentials.js')
  assert.deepEqual(h.listFiles(config.output.path), [])
  assertNoLeak(result, config.output.path, [signing, password, Buffer.from(password).toString('base64')])
})

test("webpack's own dotenv option: a WEBPACK_-prefixed secret is named with the prefix that exposed it", async () => {
  const key = fakeKeys.stripeSecret()
  const dir = h.fixtureCopy('webpack-dotenv', {
    '.env': `WEBPACK_API_BASE=https://api.example.com\nWEBPACK_STRIPE_SECRET_KEY=${key}\nDATABASE_PASSWORD=${fakeKeys.hex(24)}\n`,
  })
  const config = h.baseConfig(dir, { dotenv: true, plugins: [new SecretgatePlugin()] })
  const result = await h.runBuild(webpack, config)
  assert.equal(result.stats.hasErrors(), true)
  const findings = findingsOf(result.stats)
  const f = findings.find((x) => x.envVar === 'WEBPACK_STRIPE_SECRET_KEY')
  assert.ok(f, JSON.stringify(findings.map((x) => [x.ruleId, x.envVar])))
  assert.match(f.message, /WEBPACK_ prefix/)
  assert.equal(f.original && f.original.file, 'src/index.js')
  assert.equal(f.original.line, 5)
  assert.equal(findings.filter((x) => x.ruleId === 'env-wholesale-define').length, 0, "dotenv's import.meta.env object is not a whole-environment define")
  assert.deepEqual(h.listFiles(config.output.path), [])
  assertNoLeak(result, config.output.path, [key])
})

test("other plugins' assets are scanned: files copied by copy-webpack-plugin, a .env among them, and CSS", async (t) => {
  const CopyPlugin = require('copy-webpack-plugin')
  const build = async (files) => {
    const dir = h.fixtureCopy('copied-assets', { 'src/style.css': 'body { color: #222 }\n', ...files })
    const config = h.baseConfig(dir, {
      experiments: { css: true },
      plugins: [new CopyPlugin({ patterns: [{ from: 'public', to: '.', globOptions: { dot: true } }] }), new SecretgatePlugin()],
    })
    return { config, result: await h.runBuild(webpack, config) }
  }

  await t.test('a clean copy passes', async () => {
    const { config, result } = await build({ 'public/config.json': '{"apiBase":"https://api.example.com"}\n' })
    assert.equal(result.stats.hasErrors(), false, result.stats.toString({ all: false, errors: true }))
    assert.deepEqual(h.listFiles(config.output.path), ['config.json', 'main.css', 'main.js', 'robots.txt'])
  })

  await t.test('a secret in a copied JSON file', async () => {
    const key = fakeKeys.slackBotToken()
    const { config, result } = await build({ 'public/config.json': JSON.stringify({ slackToken: key }) })
    assert.equal(result.stats.hasErrors(), true)
    assert.ok(findingsOf(result.stats).some((f) => f.file === 'config.json'))
    assert.deepEqual(h.listFiles(config.output.path), [])
    assertNoLeak(result, config.output.path, [key])
  })

  await t.test('a .env file copied into the output fails whatever it holds', async () => {
    const { config, result } = await build({ 'public/.env': 'NOTHING_SECRET=yes\n' })
    assert.equal(result.stats.hasErrors(), true)
    assert.ok(findingsOf(result.stats).some((f) => f.file === '.env' && /env-file/.test(f.ruleId)), JSON.stringify(findingsOf(result.stats).map((f) => [f.ruleId, f.file])))
    assert.deepEqual(h.listFiles(config.output.path), [])
  })

  await t.test('a secret in a stylesheet', async () => {
    const key = fakeKeys.stripeSecret()
    const { config, result } = await build({ 'src/style.css': `:root { --stripe-key: "${key}"; }\nbody { color: #222 }\n` })
    assert.equal(result.stats.hasErrors(), true)
    assert.ok(findingsOf(result.stats).some((f) => f.file === 'main.css'), JSON.stringify(findingsOf(result.stats).map((f) => [f.ruleId, f.file])))
    assert.deepEqual(h.listFiles(config.output.path), [])
    assertNoLeak(result, config.output.path, [key])
  })
})
