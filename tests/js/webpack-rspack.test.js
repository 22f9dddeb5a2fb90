'use strict'
// The same plugin, unchanged, under Rspack (@rspack/core): DefinePlugin and EnvironmentPlugin are
// read, a secret fails the build in production and development (emitOnErrors true), an HTML page
// made by html-webpack-plugin is scanned, nothing holding the key is written; a clean build passes.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { rspack } = require('@rspack/core')
const HtmlWebpackPlugin = require('html-webpack-plugin')
const { fakeKeys } = require('./helpers/fake-keys.js')
const h = require('./helpers/webpack-harness.js')

test.after(h.cleanupTempDirs)

function rspackConfig(context, overrides) {
  const config = h.baseConfig(context, overrides)
  // Rspack's builtin minifier and defaults; no webpack-only keys
  return config
}

for (const [mode, emitOnErrors] of [['production', false], ['development', true]]) {
  test(`rspack ${mode} (emitOnErrors ${emitOnErrors}): DefinePlugin secret fails the build, nothing written`, async () => {
    const secret = fakeKeys.awsSecretAccessKey()
    const config = rspackConfig(path.join(h.FIXTURES, 'define-aws'), {
      mode,
      optimization: { emitOnErrors },
      plugins: [
        new rspack.DefinePlugin({
          'process.env.AWS_ACCESS_KEY_ID': JSON.stringify(fakeKeys.awsAccessKeyId()),
          'process.env.AWS_SECRET_ACCESS_KEY': JSON.stringify(secret),
        }),
        new HtmlWebpackPlugin(),
        new h.SecretgatePlugin(),
      ],
    })
    const result = await h.runBuild(rspack, config)
    assert.ifError(result.err)
    assert.equal(result.stats.hasErrors(), true)
    const messages = result.stats.toJson({ all: false, errors: true }).errors.map((e) => e.message).join('\n')
    assert.match(messages, /AWS_SECRET_ACCESS_KEY/)
    assert.match(messages, /main\.js/)
    assert.deepEqual(h.listFiles(config.output.path), [])
    assert.equal(h.everythingPrinted(result).includes(secret), false)
  })
}

test('rspack: EnvironmentPlugin token and an HTML-only secret', async (t) => {
  const token = fakeKeys.githubToken()
  const saved = process.env.GITHUB_TOKEN
  process.env.GITHUB_TOKEN = token
  t.after(() => {
    if (saved === undefined) delete process.env.GITHUB_TOKEN
    else process.env.GITHUB_TOKEN = saved
  })
  const env = rspackConfig(path.join(h.FIXTURES, 'environment-github'), {
    plugins: [new rspack.EnvironmentPlugin(['GITHUB_TOKEN']), new h.SecretgatePlugin()],
  })
  const r1 = await h.runBuild(rspack, env)
  assert.equal(r1.stats.hasErrors(), true)
  assert.match(r1.stats.toJson({ all: false, errors: true }).errors.map((e) => e.message).join('\n'), /GITHUB_TOKEN/)
  assert.deepEqual(h.listFiles(env.output.path), [])
  assert.equal(h.everythingPrinted(r1).includes(token), false)

  const key = fakeKeys.sendgridKey()
  const dir = h.fixtureCopy('html-page')
  const template = path.join(dir, 'src', 'index.template.html')
  fs.writeFileSync(template, fs.readFileSync(template, 'utf8').replace('__FAKE_SENDGRID_KEY__', key))
  const html = rspackConfig(dir, { plugins: [new HtmlWebpackPlugin({ template: './src/index.template.html' }), new h.SecretgatePlugin()] })
  const r2 = await h.runBuild(rspack, html)
  assert.equal(r2.stats.hasErrors(), true)
  assert.match(r2.stats.toJson({ all: false, errors: true }).errors.map((e) => e.message).join('\n'), /index\.html/)
  assert.deepEqual(h.listFiles(html.output.path), [])
  assert.equal(h.everythingPrinted(r2).includes(key), false)
})

test('rspack: publishable keys only pass, and the loader works there too', async () => {
  const dir = h.fixtureCopy('loader-literal')
  const template = fs.readFileSync(path.join(dir, 'src', 'api.template.js'), 'utf8')
  const secret = fakeKeys.stripeSecret()
  fs.writeFileSync(path.join(dir, 'src', 'api.js'), template.replace('__FAKE_STRIPE_SECRET__', secret).replace('__FAKE_IGNORED_SECRET__', 'x'))
  const withLoader = rspackConfig(dir, { module: { rules: [{ test: /\.js$/, use: [{ loader: h.LOADER }] }] } })
  const r1 = await h.runBuild(rspack, withLoader)
  assert.equal(r1.stats.hasErrors(), true)
  const errors = r1.stats.toJson({ all: false, errors: true }).errors
  assert.ok(errors.some((e) => /secretgate/.test(e.message) && /src\/api\.js:5:/.test(e.message)), errors.map((e) => e.message).join('\n'))
  assert.equal(h.everythingPrinted(r1).includes(secret), false)

  const clean = rspackConfig(path.join(h.FIXTURES, 'publishable'), {
    plugins: [new rspack.DefinePlugin({ 'process.env.STRIPE_PUBLISHABLE_KEY': JSON.stringify(fakeKeys.stripePublishable()) }), new h.SecretgatePlugin()],
  })
  const r2 = await h.runBuild(rspack, clean)
  assert.equal(r2.stats.hasErrors(), false, r2.stats.toString({ all: false, errors: true }))
  assert.deepEqual(h.listFiles(clean.output.path), ['main.js'])
})
