'use strict'
// After a real trap inside the WebAssembly core, every front end reports a clear error naming the
// file, replaces the instance and goes on with the other files: the Node API, the CLI's worker
// pool (one and two workers), the Vite plugin, the webpack plugin and the loader. The trap is
// real: helpers/force-trap.js lifts the nesting guard for files named `trap-me*` only, and their
// content nests 100,000 deep (see that file). Fail closed is checked at the same time: the run
// fails unless `onError: 'warn'`, and a tool error never reads as "no secrets found".
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { fakeKeys } = require('../js/helpers/fake-keys.js')
const { trapSource, PRELOAD } = require('./helpers/force-trap.js')
const apps = require('./helpers/apps.js')

const { scan, Scanner } = require(path.join(apps.ROOT, 'npm', 'index.js'))

test.after(apps.cleanup)

function trapLog() {
  const file = path.join(apps.tempDir('traplog'), 'traps.jsonl')
  return { file, entries: () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []) }
}

test('Node API: the trap throws SECRETGATE_INTERNAL naming the file; the next scans work, configured scanners too', () => {
  const key = fakeKeys.stripeSecret()
  const envValue = fakeKeys.hex(32)
  const configured = new Scanner({ knownSecrets: [{ name: 'MY_TOKEN', value: envValue }], rules: { 'generic-secret': 'off' } })
  const before = configured.scan(`a="${envValue}"; k="${key}"`, { file: 'before.js' })
  let err = null
  try {
    scan(trapSource(key), { file: 'dist/trap-me.js' })
  } catch (e) {
    err = e
  }
  assert.ok(err, 'the scan must throw: it could not judge the file')
  assert.equal(err.code, 'SECRETGATE_INTERNAL')
  assert.equal(err.file, 'dist/trap-me.js')
  assert.match(err.message, /dist\/trap-me\.js/)
  assert.match(err.message, /NOT judged/i)
  assert.ok(err.cause instanceof RangeError || err.cause instanceof WebAssembly.RuntimeError, `a real trap: ${err.cause}`)
  assert.equal(err.message.includes(key), false, 'the error never holds the key')
  // The default scanner, a new one and the one configured before the trap all work again.
  const again = scan(`const k="${key}"`, { file: 'after.js' })
  assert.deepEqual(again.findings.map((f) => f.ruleId), ['stripe-secret-key'])
  const after = configured.scan(`a="${envValue}"; k="${key}"`, { file: 'before.js' })
  const strip = (r) => r.findings.map(({ ruleId, start, end, fingerprint, envVar }) => ({ ruleId, start, end, fingerprint, envVar }))
  assert.deepEqual(strip(after), strip(before), 'the configured scanner gives the same findings after the instance was replaced')
  assert.ok(after.findings.some((f) => f.ruleId === 'env-value'), 'known secrets survive the replacement')
  // Many traps in a row leak nothing that breaks later scans.
  for (let i = 0; i < 5; i++) assert.throws(() => scan(trapSource(key), { file: `trap-me-${i}.js` }), { code: 'SECRETGATE_INTERNAL' })
  assert.equal(scan(`const k="${key}"`, { file: 'after.js' }).findings.length, 1)
})

function cliTree(key) {
  const dir = apps.tempDir('cli-trap')
  const files = { 'dist/trap-me.js': trapSource(key), 'dist/assets/leak.js': `const stripe = "${key}";\n` }
  for (let i = 0; i < 20; i++) files[`dist/assets/clean-${i}.js`] = `export const v${i} = ${i};\n`
  apps.writeTree(dir, files)
  return dir
}

for (const jobs of ['1', '2']) {
  test(`CLI with ${jobs} worker(s): exit 2, the trapped file named in every format, the other files still judged`, () => {
    const key = fakeKeys.stripeSecret()
    const dir = cliTree(key)
    const log = trapLog()
    const env = { SECRETGATE_TEST_TRAP_LOG: log.file }
    const nodeArgs = ['-r', PRELOAD]
    const human = apps.runCli(['dist', '-j', jobs, '--no-color'], { cwd: dir, env, nodeArgs })
    assert.equal(human.code, 2, `exit 2 (could not judge), got ${human.code}\n${human.stdout}\n${human.stderr}`)
    assert.match(human.stdout + human.stderr, /trap-me\.js/)
    assert.match(human.stdout + human.stderr, /leak\.js/, 'the finding in another file is still reported')
    const json = apps.runCli(['dist', '-j', jobs, '--format', 'json'], { cwd: dir, env, nodeArgs })
    assert.equal(json.code, 2)
    const report = JSON.parse(json.stdout)
    const text = JSON.stringify(report)
    assert.match(text, /trap-me\.js/)
    assert.ok(report.findings.some((f) => /leak\.js$/.test(f.file) && f.ruleId === 'stripe-secret-key'), 'leak.js judged after the trap')
    const sarif = apps.runCli(['dist', '-j', jobs, '--format', 'sarif'], { cwd: dir, env, nodeArgs })
    assert.equal(sarif.code, 2)
    const s = JSON.parse(sarif.stdout)
    assert.equal(s.runs[0].invocations[0].executionSuccessful, false)
    assert.match(sarif.stdout, /trap-me\.js/)
    const github = apps.runCli(['dist', '-j', jobs, '--format', 'github'], { cwd: dir, env, nodeArgs })
    assert.equal(github.code, 2)
    assert.match(github.stdout, /::error[^\n]*trap-me\.js/)
    for (const r of [human, json, sarif, github]) assert.equal((r.stdout + r.stderr).includes(key), false)
    const traps = log.entries()
    assert.equal(traps.length, 4, `one real trap per run: ${JSON.stringify(traps)}`)
    assert.ok(traps.every((t) => t.real && t.code === 'SECRETGATE_INTERNAL'))
  })
}

function emitAssetPlugin(fileName, source) {
  return {
    name: 'test-emit-trap',
    buildStart() {
      this.emitFile({ type: 'asset', fileName, source })
    },
  }
}

test('Vite: the build fails naming the trapped file, other findings still reported; onError warn lets a clean build pass', async () => {
  const key = fakeKeys.stripeSecret()
  const log = trapLog()
  process.env.SECRETGATE_TEST_TRAP_LOG = log.file
  try {
    const dir = apps.viteApp({ 'src/settings.js': `export const settings = { stripe: "${key}" }\n` })
    const r = await apps.viteBuild(dir, { plugins: [emitAssetPlugin('assets/trap-me.js', trapSource(key))] })
    assert.ok(r.error, 'the build must fail')
    const all = `${r.errorText}\n${r.logs}`
    assert.match(all, /trap-me\.js/, 'the error names the file')
    assert.match(r.logs, /stripe/i, 'the finding in the bundle is still reported')
    assert.equal(all.includes(key), false)
    assert.equal(fs.existsSync(path.join(r.outDir, 'assets', 'trap-me.js')), false, 'nothing unjudged was written')

    const clean = apps.viteApp()
    const w = await apps.viteBuild(clean, { plugin: { onError: 'warn' }, plugins: [emitAssetPlugin('assets/trap-me.js', trapSource(key))] })
    assert.equal(w.error, null, `onError: 'warn' lets the build pass: ${w.errorText}`)
    assert.match(w.logs, /trap-me\.js/, 'the warning names the file')
    const failing = await apps.viteBuild(clean, { plugins: [emitAssetPlugin('assets/trap-me.js', trapSource(key))] })
    assert.ok(failing.error, 'without onError: warn, a file that could not be judged fails the build (fail closed)')
    assert.match(failing.errorText, /could not judge[^\n]*trap-me\.js|trap-me\.js[^\n]*could not/i)
    assert.ok(log.entries().length >= 3 && log.entries().every((t) => t.real))
  } finally {
    delete process.env.SECRETGATE_TEST_TRAP_LOG
  }
})

function emitWebpackAsset(fileName, source) {
  return {
    apply(compiler) {
      compiler.hooks.thisCompilation.tap('test-emit-trap', (compilation) => {
        compilation.hooks.processAssets.tap({ name: 'test-emit-trap', stage: compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
          compilation.emitAsset(fileName, new compiler.webpack.sources.RawSource(source))
        })
      })
    },
  }
}

test('webpack plugin: the build fails naming the trapped file, other findings still reported; onError warn passes a clean build', async () => {
  const SecretgatePlugin = require(path.join(apps.ROOT, 'npm', 'webpack.js'))
  // terser would parse trap-me.js itself (and overflow its own stack): no minimizer here.
  const cfg = (context, plugins) => apps.webpackConfig(context, { optimization: { minimize: false }, plugins })
  const key = fakeKeys.stripeSecret()
  const log = trapLog()
  process.env.SECRETGATE_TEST_TRAP_LOG = log.file
  try {
    const dir = apps.webpackApp({ 'src/settings.js': `export const settings = { stripe: "${key}" }\n` })
    const r = await apps.webpackBuild(cfg(dir, [emitWebpackAsset('trap-me.js', trapSource(key)), new SecretgatePlugin()]))
    assert.ok(r.stats.hasErrors(), 'the build must fail')
    const errors = apps.webpackProblems(r.stats).join('\n')
    assert.match(errors, /trap-me\.js/, 'an error names the trapped file')
    assert.match(errors, /stripe/i, 'the finding in main.js is still reported')
    assert.equal(r.printed.includes(key), false)

    const clean = apps.webpackApp()
    const w = await apps.webpackBuild(cfg(clean, [emitWebpackAsset('trap-me.js', trapSource(key)), new SecretgatePlugin({ onError: 'warn' })]))
    assert.equal(w.stats.hasErrors(), false, apps.webpackProblems(w.stats).join('\n'))
    assert.match(apps.webpackProblems(w.stats, 'warnings').join('\n'), /trap-me\.js/)
    const f = await apps.webpackBuild(cfg(clean, [emitWebpackAsset('trap-me.js', trapSource(key)), new SecretgatePlugin()]))
    assert.ok(f.stats.hasErrors(), 'fail closed by default')
    assert.ok(log.entries().length >= 3 && log.entries().every((t) => t.real))
  } finally {
    delete process.env.SECRETGATE_TEST_TRAP_LOG
  }
})

test('webpack loader: a module the core cannot judge is a module error naming it; the other modules are still scanned', async () => {
  const key = fakeKeys.stripeSecret()
  const other = fakeKeys.githubToken()
  // 3,000 levels: webpack's own parser takes it, the core (guard lifted) does not.
  const dir = apps.webpackApp({
    'src/index.js': "import './trap-me.js'\nimport { settings } from './settings.js'\nconsole.log(settings)\n",
    'src/trap-me.js': trapSource(key, 3000),
    'src/settings.js': `export const settings = { token: "${other}" }\n`,
  })
  const rule = (options) => ({ test: /\.js$/, use: [{ loader: apps.LOADER, options }] })
  const log = trapLog()
  process.env.SECRETGATE_TEST_TRAP_LOG = log.file
  const r = await apps.webpackBuild(apps.webpackConfig(dir, { mode: 'development', devtool: false, module: { rules: [rule()] } }))
  const errors = apps.webpackProblems(r.stats).filter((m) => /secretgate/i.test(m))
  assert.ok(errors.some((m) => /trap-me\.js/.test(m) && /not judged|could not (judge|scan)/i.test(m)), `a module error for trap-me.js:\n${errors.join('\n---\n')}`)
  assert.ok(errors.some((m) => /github/i.test(m)), 'settings.js is still scanned after the trap')
  assert.equal(r.printed.includes(key), false)
  assert.equal(r.printed.includes(other), false)
  const w = await apps.webpackBuild(apps.webpackConfig(dir, { mode: 'development', devtool: false, module: { rules: [rule({ onError: 'warn' })] } }))
  delete process.env.SECRETGATE_TEST_TRAP_LOG
  assert.ok(apps.webpackProblems(w.stats, 'warnings').some((m) => /trap-me\.js/.test(m) && /secretgate/i.test(m)), "onError: 'warn' turns it into a warning")
  assert.ok(log.entries().length >= 2 && log.entries().every((t) => t.real), JSON.stringify(log.entries()))
})
