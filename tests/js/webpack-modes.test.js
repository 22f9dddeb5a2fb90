'use strict'
// No secret is written, whatever the mode: production and development builds with
// `optimization.emitOnErrors` true and false, a multi-compiler with a shared plugin instance, and
// watch mode (every rebuild scanned; the watcher survives a failing build and recovers).
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const webpack = require('webpack')
const HtmlWebpackPlugin = require('html-webpack-plugin')
const { fakeKeys } = require('./helpers/fake-keys.js')
const h = require('./helpers/webpack-harness.js')

test.after(h.cleanupTempDirs)

for (const mode of ['production', 'development']) {
  for (const emitOnErrors of [false, true]) {
    test(`${mode} build, emitOnErrors ${emitOnErrors}: fails and writes no file holding the secret`, async () => {
      const secret = fakeKeys.stripeSecret()
      const literal = fakeKeys.stripeSecret()
      const dir = h.fixtureCopy('loader-literal')
      const template = fs.readFileSync(path.join(dir, 'src', 'api.template.js'), 'utf8')
      // one key hard-coded in a module, one inlined by DefinePlugin into the same bundle
      fs.writeFileSync(path.join(dir, 'src', 'api.js'), template
        .replace("'__FAKE_STRIPE_SECRET__'", 'process.env.STRIPE_SECRET_KEY')
        .replace('__FAKE_IGNORED_SECRET__', 'not-a-key'))
      fs.appendFileSync(path.join(dir, 'src', 'index.js'), `\nexport const leaked = '${literal}'\n`)
      const config = h.baseConfig(dir, {
        mode,
        // development's default devtool is eval: modules end up inside eval("...") strings
        devtool: mode === 'development' ? undefined : 'source-map',
        optimization: { emitOnErrors },
        plugins: [
          new webpack.DefinePlugin({ 'process.env.STRIPE_SECRET_KEY': JSON.stringify(secret) }),
          new HtmlWebpackPlugin(),
          new h.SecretgatePlugin(),
        ],
      })
      if (config.devtool === undefined) delete config.devtool
      const result = await h.runBuild(webpack, config)
      assert.ifError(result.err)
      assert.equal(result.stats.hasErrors(), true)
      const findings = result.stats.compilation.errors.map((e) => e.finding).filter(Boolean)
      assert.ok(findings.some((f) => f.envVar === 'STRIPE_SECRET_KEY'), 'the inlined key is named')
      assert.ok(findings.some((f) => f.original && f.original.file === 'src/index.js'), 'the literal is placed in src/index.js')
      for (const s of [secret, literal]) {
        assert.deepEqual(h.filesHolding(config.output.path, s), [], 'no written file holds a secret')
        assert.equal(h.everythingPrinted(result).includes(s), false, 'no output prints a secret')
      }
      assert.deepEqual(h.listFiles(config.output.path), [], 'a failing compilation writes nothing at all')
    })
  }
}

test('multi-compiler with one shared plugin instance: the leaky build fails, the clean one is written', async () => {
  const secret = fakeKeys.stripeSecret()
  const plugin = new h.SecretgatePlugin()
  const leaky = h.baseConfig(path.join(h.FIXTURES, 'define-aws'), {
    name: 'leaky',
    plugins: [new webpack.DefinePlugin({ 'process.env.AWS_SECRET_ACCESS_KEY': JSON.stringify(secret) }), plugin],
  })
  const clean = h.baseConfig(path.join(h.FIXTURES, 'publishable'), {
    name: 'clean',
    plugins: [new webpack.DefinePlugin({ 'process.env.STRIPE_PUBLISHABLE_KEY': JSON.stringify(fakeKeys.stripePublishable()) }), plugin],
  })
  const result = await h.runBuild(webpack, [leaky, clean])
  assert.ifError(result.err)
  assert.equal(result.stats.hasErrors(), true)
  const [leakyStats, cleanStats] = result.stats.stats
  assert.equal(leakyStats.hasErrors(), true)
  assert.equal(cleanStats.hasErrors(), false)
  assert.deepEqual(h.listFiles(leaky.output.path), [])
  assert.deepEqual(h.listFiles(clean.output.path), ['main.js'])
  const summaries = result.log.match(/secretgate: \d+ errors?, \d+ warnings?, \d+ info/g) || []
  assert.equal(summaries.length, 1, 'one summary: for the failing compilation only')
  assert.equal(h.everythingPrinted(result).includes(secret), false)
})

test('watch mode: every rebuild is scanned and the watcher survives a failing build', async () => {
  const dir = h.fixtureCopy('loader-literal')
  const api = path.join(dir, 'src', 'api.js')
  const template = fs.readFileSync(path.join(dir, 'src', 'api.template.js'), 'utf8')
  const secrets = [fakeKeys.stripeSecret(), fakeKeys.stripeSecret()]
  const withKey = (key) => template.replace('__FAKE_STRIPE_SECRET__', key).replace('__FAKE_IGNORED_SECRET__', 'not-a-key')
  // replace the file in one step: a truncate-then-write edit can trigger a build of an empty module
  const edit = (text) => {
    fs.writeFileSync(`${api}.tmp`, text)
    fs.renameSync(`${api}.tmp`, api)
  }
  fs.writeFileSync(api, withKey(secrets[0]))
  h.settle(dir)
  const config = h.baseConfig(dir, { mode: 'development', devtool: 'source-map', plugins: [new h.SecretgatePlugin()] })
  config.infrastructureLogging = { level: 'none' }
  const compiler = webpack(config)
  // 1: a key (fails) -> 2: no key (passes, written) -> 3: another key (fails, nothing new written).
  // The watcher may also rebuild for reasons of its own (directory times of the fresh copy): such
  // rounds are checked for leaks like the others but do not advance the script.
  const phases = []
  const allRounds = []
  const steps = [
    { want: 'fail', then: () => edit(withKey('not-a-key')) },
    { want: 'pass', then: () => edit(withKey(secrets[1])) },
    { want: 'fail', then: null },
  ]
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`watch script stuck after ${JSON.stringify(phases)}`)), 60_000)
    const watching = compiler.watch({ aggregateTimeout: 50 }, (err, stats) => {
      if (err) return reject(err)
      const round = {
        failed: stats.hasErrors(),
        gate: h.gateProblems(stats).length,
        files: h.listFiles(config.output.path),
        leaked: secrets.flatMap((s) => h.filesHolding(config.output.path, s)),
      }
      allRounds.push(round)
      const step = steps[phases.length]
      if (!step || (step.want === 'fail') !== round.failed) return
      phases.push(round)
      if (step.then) setTimeout(step.then, 200)
      else {
        clearTimeout(timer)
        watching.close(resolve)
      }
    })
  })
  assert.equal(phases.length, 3)
  assert.ok(phases[0].gate > 0 && phases[2].gate > 0, 'both failures are secretgate\'s')
  assert.deepEqual(phases[0].files, [])
  assert.deepEqual(phases[1].files, ['main.js', 'main.js.map'])
  assert.deepEqual(allRounds.map((r) => r.leaked), allRounds.map(() => []), 'no round wrote a secret')
  assert.equal(h.filesHolding(config.output.path, 'not-a-key').length > 0, true, 'round 3 left round 2 files untouched')
})

test('watch mode: an asset that did not change is not scanned again, and still fails the rebuild', async (t) => {
  const core = require('../../npm/index.js')
  const original = core.Scanner.prototype.scan
  const scans = []
  core.Scanner.prototype.scan = function (input, opts) {
    scans.push(opts && opts.file)
    return original.call(this, input, opts)
  }
  t.after(() => {
    core.Scanner.prototype.scan = original
  })
  const secret = fakeKeys.stripeSecret()
  const dir = h.fixtureCopy('loader-literal', { 'src/other.js': `export const leaked = '${secret}'\nconsole.log(leaked)\n` })
  fs.writeFileSync(path.join(dir, 'src', 'api.js'), 'export const charge = () => 1\nexport const refund = () => 2\n')
  h.settle(dir)
  const config = h.baseConfig(dir, { mode: 'development', devtool: false, entry: { main: './src/index.js', other: './src/other.js' }, plugins: [new h.SecretgatePlugin()] })
  config.infrastructureLogging = { level: 'none' }
  const compiler = webpack(config)
  const rounds = []
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('watch stuck')), 60_000)
    const watching = compiler.watch({ aggregateTimeout: 50 }, (err, stats) => {
      if (err) return reject(err)
      rounds.push({ scans: scans.splice(0), failed: stats.hasErrors(), files: h.listFiles(config.output.path) })
      if (rounds.length === 1) {
        setTimeout(() => {
          fs.writeFileSync(path.join(dir, 'src', 'api.tmp'), 'export const charge = () => 3\nexport const refund = () => 4\n')
          fs.renameSync(path.join(dir, 'src', 'api.tmp'), path.join(dir, 'src', 'api.js'))
        }, 200)
      } else if (rounds[rounds.length - 1].scans.includes('main.js')) {
        clearTimeout(timer)
        watching.close(resolve)
      }
    })
  })
  const last = rounds[rounds.length - 1]
  assert.ok(rounds[0].scans.includes('main.js') && rounds[0].scans.includes('other.js'))
  assert.equal(last.scans.includes('other.js'), false, `other.js was scanned again: ${JSON.stringify(rounds)}`)
  assert.equal(last.failed, true, 'the unchanged asset still holds the secret and still fails the build')
  assert.deepEqual(last.files, [])
})
