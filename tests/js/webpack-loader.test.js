'use strict'
// secretgate/webpack-loader through real webpack 5 builds: a hard-coded key is reported on its
// module with the module's own path, line and column; an inline ignore comment is honoured; the
// source passes through unchanged (same output bytes as a build without the loader); results are
// cached by webpack like any loader's; the plugin, beside it, still places the finding and blocks
// emission.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const webpack = require('webpack')
const { fakeKeys } = require('./helpers/fake-keys.js')
const h = require('./helpers/webpack-harness.js')

test.after(h.cleanupTempDirs)

function writeApi(dir, secret, ignored) {
  const template = fs.readFileSync(path.join(dir, 'src', 'api.template.js'), 'utf8')
  const text = template.replace('__FAKE_STRIPE_SECRET__', secret).replace('__FAKE_IGNORED_SECRET__', ignored)
  fs.writeFileSync(path.join(dir, 'src', 'api.js'), text)
  return text
}

const loaderRule = (options) => ({
  test: /\.[cm]?[jt]sx?$/,
  exclude: /node_modules/,
  use: [{ loader: h.LOADER, options }],
})

test('the loader reports a hard-coded key on its module with path, line and column', async () => {
  const secret = fakeKeys.stripeSecret()
  const ignored = fakeKeys.stripeSecret()
  const dir = h.fixtureCopy('loader-literal')
  const text = writeApi(dir, secret, ignored)
  const at = h.lineAndColumnOf(text, secret)
  const config = h.baseConfig(dir, { module: { rules: [loaderRule()] } })
  const result = await h.runBuild(webpack, config)
  assert.equal(result.stats.hasErrors(), true)
  const errors = result.stats.toJson({ all: false, errors: true, moduleTrace: false }).errors
  const mine = errors.filter((e) => /secretgate/.test(e.message))
  assert.equal(mine.length, 1, `exactly one loader error (the ignored key stays quiet):\n${mine.map((e) => e.message).join('\n---\n')}`)
  assert.equal(mine[0].moduleName, './src/api.js')
  assert.ok(mine[0].message.includes(`src/api.js:${at.line}:${at.column}`), mine[0].message)
  assert.match(mine[0].message, /stripe/i)
  assert.equal(h.everythingPrinted(result).includes(secret), false)
  assert.equal(h.everythingPrinted(result).includes(ignored), false)
})

test('the loader passes the source through unchanged', async () => {
  const dir = h.fixtureCopy('loader-literal')
  writeApi(dir, 'not-a-key', 'also-not-a-key')
  const out = (label) => h.tempDir(label)
  const plain = h.baseConfig(dir, { output: { path: out('plain') }, devtool: 'source-map' })
  const withLoader = h.baseConfig(dir, { output: { path: out('loader') }, devtool: 'source-map', module: { rules: [loaderRule()] } })
  const r1 = await h.runBuild(webpack, plain)
  const r2 = await h.runBuild(webpack, withLoader)
  assert.equal(r1.stats.hasErrors(), false)
  assert.equal(r2.stats.hasErrors(), false, r2.stats.toString({ all: false, errors: true }))
  for (const file of ['main.js', 'main.js.map']) {
    assert.equal(
      fs.readFileSync(path.join(withLoader.output.path, file), 'utf8'),
      fs.readFileSync(path.join(plain.output.path, file), 'utf8'),
      `${file} differs with the loader`,
    )
  }
})

test('loader results are cached: an unchanged module is not scanned again in watch mode', async () => {
  const secret = fakeKeys.stripeSecret()
  const dir = h.fixtureCopy('loader-literal')
  writeApi(dir, secret, 'not-a-key')
  h.settle(dir)
  const config = h.baseConfig(dir, { mode: 'development', devtool: false, module: { rules: [loaderRule()] } })
  config.infrastructureLogging = { level: 'none' }
  const compiler = webpack(config)
  const builds = []
  await new Promise((resolve, reject) => {
    const watching = compiler.watch({ aggregateTimeout: 50 }, (err, stats) => {
      if (err) return reject(err)
      builds.push({
        errors: stats.toJson({ all: false, errors: true }).errors.filter((e) => /secretgate/.test(e.message)).length,
        built: stats.toJson({ all: false, modules: true }).modules.filter((m) => m.built).map((m) => m.name),
      })
      if (builds.length === 1) {
        // touch only the entry: api.js comes from the cache, its loader error with it
        fs.appendFileSync(path.join(dir, 'src', 'index.js'), '\n// touched\n')
      } else {
        watching.close(resolve)
      }
    })
  })
  assert.equal(builds[0].errors, 1)
  assert.ok(builds[0].built.includes('./src/api.js'))
  assert.equal(builds[1].errors, 1, 'the cached module keeps its error')
  assert.equal(builds[1].built.includes('./src/api.js'), false, 'the unchanged module was not rebuilt')
})

test('loader plus plugin: the plugin places the finding through the map and nothing is written', async () => {
  const secret = fakeKeys.stripeSecret()
  const dir = h.fixtureCopy('loader-literal')
  const text = writeApi(dir, secret, fakeKeys.stripeSecret())
  const at = h.lineAndColumnOf(text, secret)
  for (const devtool of ['source-map', false]) {
    const config = h.baseConfig(dir, { devtool, module: { rules: [loaderRule()] }, plugins: [new h.SecretgatePlugin()] })
    const result = await h.runBuild(webpack, config)
    assert.equal(result.stats.hasErrors(), true)
    const findings = result.stats.compilation.errors.map((e) => e.finding).filter(Boolean)
    const inBundle = findings.find((f) => f.file === 'main.js')
    assert.ok(inBundle, `devtool ${devtool}: the plugin reports main.js`)
    assert.equal(inBundle.original.file, 'src/api.js', `devtool ${devtool}`)
    assert.equal(inBundle.original.line, at.line, `devtool ${devtool}`)
    // the ignored key is suppressed in the bundle too (read from the module source)
    assert.equal(findings.filter((f) => f.file === 'main.js').length, 1, `devtool ${devtool}: one failing finding in main.js`)
    assert.deepEqual(h.listFiles(config.output.path), [], `devtool ${devtool}`)
    assert.equal(h.everythingPrinted(result).includes(secret), false)
  }
})

test('the loader by package name (secretgate/webpack-loader) resolves through the package exports', () => {
  assert.equal(require.resolve('secretgate/webpack-loader'), h.LOADER)
  assert.equal(require('secretgate/webpack'), h.SecretgatePlugin)
})

test("loader fail closed: a module the core cannot judge is an error, a warning with onError: 'warn'", async (t) => {
  // the core cannot be made to trap on purpose: its Scanner throws the way a trap surfaces
  const core = require('../../npm/index.js')
  const original = core.Scanner.prototype.scan
  t.after(() => {
    core.Scanner.prototype.scan = original
  })
  core.Scanner.prototype.scan = function (input, opts) {
    if (opts && /api\.js$/.test(opts.file)) {
      throw Object.assign(new Error(`secretgate internal error while scanning ${opts.file} (injected)`), { code: 'SECRETGATE_INTERNAL' })
    }
    return original.call(this, input, opts)
  }
  const dir = h.fixtureCopy('loader-literal')
  writeApi(dir, 'not-a-key', 'also-not-a-key')
  const r1 = await h.runBuild(webpack, h.baseConfig(dir, { module: { rules: [loaderRule()] } }))
  const errors = r1.stats.toJson({ all: false, errors: true }).errors
  assert.ok(errors.some((e) => e.moduleName === './src/api.js' && /could not scan src\/api\.js/.test(e.message)), errors.map((e) => e.message).join('\n'))
  const r2 = await h.runBuild(webpack, h.baseConfig(dir, { module: { rules: [loaderRule({ onError: 'warn' })] } }))
  assert.equal(r2.stats.hasErrors(), false)
  const warnings = r2.stats.toJson({ all: false, warnings: true }).warnings
  assert.ok(warnings.some((e) => /could not scan src\/api\.js/.test(e.message)), warnings.map((e) => e.message).join('\n'))
})

test('the loader finds a .env value pasted into a module and masks every secret in its frame', async () => {
  const signing = fakeKeys.hex(40)
  const password = fakeKeys.hex(32)
  const b64 = Buffer.from(password).toString('base64')
  const dir = h.fixtureCopy('dotenv-value', {
    '.env': `INTERNAL_SIGNING_SECRET=${signing}\nINTERNAL_API_PASSWORD=${password}\n`,
    'src/credentials.js': `export const signingSecret = '${signing}'\nexport const basicAuth = 'Basic ${b64}'\n`,
  })
  const result = await h.runBuild(webpack, h.baseConfig(dir, { module: { rules: [loaderRule()] } }))
  const errors = result.stats.toJson({ all: false, errors: true }).errors.filter((e) => /secretgate/.test(e.message))
  const signingError = errors.find((e) => /INTERNAL_SIGNING_SECRET/.test(e.message))
  assert.ok(signingError, errors.map((e) => e.message).join('\n---\n'))
  assert.equal(signingError.moduleName, './src/credentials.js')
  assert.match(signingError.message, /src\/credentials\.js:1:31/)
  assert.match(signingError.message, /> 1 \| export const signingSecret = '\*+'/, 'the frame is there, masked')
  const printed = h.everythingPrinted(result)
  for (const s of [signing, password, b64]) assert.equal(printed.includes(s), false)
})
