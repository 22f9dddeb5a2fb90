'use strict'
// Fail closed: whenever secretgate cannot judge a file (too large, a dying worker, a core that
// will not load, a broken config), every front end fails naming the file and the reason, and no
// output reads as "no secrets found". The CLI tells it apart by its exit status (2, not 0 or 1).
// Traps inside the core are covered by trap-recovery.test.js (with `onError: 'warn'` too).
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const apps = require('./helpers/apps.js')
const { fakeKeys } = require('../js/helpers/fake-keys.js')

test.after(apps.cleanup)

/** Every format of the CLI over `dir`; asserts exit 2 and that each output names `file`. */
function everyFormat(dir, file, { env = {}, cli } = {}) {
  const run = (args) => {
    if (!cli) return apps.runCli(args, { cwd: dir, env })
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, env: apps.cliEnv(env), encoding: 'utf8' })
    return { code: r.status, stdout: r.stdout, stderr: r.stderr }
  }
  const out = {}
  for (const fmt of ['human', 'json', 'sarif', 'github']) {
    const r = run(['dist', '--format', fmt])
    assert.equal(r.code, 2, `${fmt}: exit ${r.code}\n${r.stdout}\n${r.stderr}`)
    assert.ok((r.stdout + r.stderr).includes(file), `${fmt} names ${file}:\n${r.stdout}\n${r.stderr}`)
    out[fmt] = r
  }
  assert.doesNotMatch(out.human.stdout, /^secretgate: no findings in \d+ files? \(/m, 'the summary never reads as a clean pass')
  const json = JSON.parse(out.json.stdout)
  assert.ok(json.summary.couldNotJudge >= 1, JSON.stringify(json.summary))
  const sarif = JSON.parse(out.sarif.stdout)
  assert.equal(sarif.runs[0].invocations[0].executionSuccessful, false)
  assert.match(out.github.stdout, /::error/)
  return out
}

test('CLI: a file over the size limit is not judged: exit 2 in every format', () => {
  const dir = apps.writeTree(apps.tempDir('fc-large'), { 'dist/ok.js': 'export const a = 1\n' })
  // A sparse 600 MiB file (code first, then holes): the CLI must refuse it from its size.
  const fd = fs.openSync(path.join(dir, 'dist', 'huge.js'), 'w')
  fs.writeSync(fd, 'export const a = 1;\n'.repeat(4096))
  fs.ftruncateSync(fd, 600 * 1048576)
  fs.closeSync(fd)
  const out = everyFormat(dir, 'huge.js')
  assert.match(out.json.stdout, /too large|too-large/i)
})

test('CLI: a worker dying on a file: that file is not judged (exit 2), the others are', () => {
  const key = fakeKeys.stripeSecret()
  const files = { 'dist/dies.js': 'export const a = 1\n', 'dist/key.js': `const stripeKey = "${key}";\n` }
  for (let i = 0; i < 20; i++) files[`dist/f${i}.js`] = `export const v = ${i}\n`
  const dir = apps.writeTree(apps.tempDir('fc-worker'), files)
  const out = everyFormat(dir, 'dies.js', { env: { SECRETGATE_TEST_WORKER_FAULT: 'exit:dies.js' } })
  assert.ok(JSON.parse(out.json.stdout).findings.some((f) => f.ruleId === 'stripe-secret-key'), 'the other files were judged')
})

function brokenCorePackage() {
  // A copy of the package whose .wasm is cut short: the core cannot load.
  const dir = apps.tempDir('fc-broken-core')
  fs.copyFileSync(path.join(apps.ROOT, 'package.json'), path.join(dir, 'package.json'))
  fs.cpSync(path.join(apps.ROOT, 'npm'), path.join(dir, 'npm'), { recursive: true })
  const wasm = path.join(dir, 'npm', 'wasm', 'secretgate_bg.wasm')
  fs.writeFileSync(wasm, fs.readFileSync(wasm).subarray(0, 4096))
  return dir
}

test('a core that cannot load: the CLI exits 2, Vite and webpack builds fail, none says "no secrets"', async () => {
  const pkg = brokenCorePackage()
  const dir = apps.writeTree(apps.tempDir('fc-core-cli'), { 'dist/app.js': `const stripeKey = "${fakeKeys.stripeSecret()}";\n` })
  const r = spawnSync(process.execPath, [path.join(pkg, 'npm', 'cli.js'), 'dist'], { cwd: dir, env: apps.cliEnv(), encoding: 'utf8' })
  assert.equal(r.status, 2, `${r.stdout}\n${r.stderr}`)
  assert.match(r.stdout + r.stderr, /WebAssembly|core/i)
  assert.doesNotMatch(r.stdout + r.stderr, /no findings/i)

  const vite = apps.viteApp({ 'src/settings.js': `export const settings = { stripeKey: "${fakeKeys.stripeSecret()}" }\n` })
  const { build } = await import('vite')
  const secretgate = require(path.join(pkg, 'npm', 'vite.js'))
  let viteError = null
  try {
    await build({ root: vite, configFile: false, logLevel: 'silent', build: { outDir: path.join(vite, 'dist') }, plugins: [secretgate()] })
  } catch (e) {
    viteError = e
  }
  assert.ok(viteError, 'the Vite build fails')
  assert.match(String(viteError.message), /secretgate|WebAssembly/i)
  assert.equal(fs.existsSync(path.join(vite, 'dist', 'index.html')), false, 'nothing was written')

  const SecretgatePlugin = require(path.join(pkg, 'npm', 'webpack.js'))
  const wdir = apps.webpackApp()
  const w = await apps.webpackBuild(apps.webpackConfig(wdir, { plugins: [new SecretgatePlugin()] }))
  assert.ok(w.err || (w.stats && w.stats.hasErrors()), 'the webpack build fails')
  assert.match(w.printed, /secretgate|WebAssembly/i)
})

test('a broken config file stops every front end with a message naming it', async () => {
  const bad = '{"rules": {"generic-secret": "of"}}'
  const dir = apps.writeTree(apps.tempDir('fc-config'), { 'secretgate.config.json': bad, 'dist/app.js': 'export const a = 1\n' })
  const cli = apps.runCli(['dist'], { cwd: dir })
  assert.equal(cli.code, 2)
  assert.match(cli.stderr, /secretgate\.config\.json/)

  const vite = apps.viteApp({ 'secretgate.config.json': bad })
  const v = await apps.viteBuild(vite)
  assert.ok(v.error, 'the Vite build fails')
  assert.match(v.errorText, /secretgate\.config\.json/)

  const SecretgatePlugin = require(path.join(apps.ROOT, 'npm', 'webpack.js'))
  const wdir = apps.webpackApp({ 'secretgate.config.json': bad })
  const w = await apps.webpackBuild(apps.webpackConfig(wdir, { plugins: [new SecretgatePlugin()] }))
  assert.ok(w.err || w.stats.hasErrors(), 'the webpack build fails')
  assert.match(w.printed, /secretgate\.config\.json/)

  const l = await apps.webpackBuild(apps.webpackConfig(wdir, { module: { rules: [{ test: /\.js$/, use: [apps.LOADER] }] } }))
  assert.ok(l.err || l.stats.hasErrors(), 'the loader fails the build')
  assert.match(l.printed, /secretgate\.config\.json/)
})

test('CLI: a file named as code is judged whatever its head holds (NUL padding, control bytes, a magic number)', () => {
  const key = fakeKeys.stripeSecret()
  const line = Buffer.from(`\nconst stripeKey = "${key}";\n`)
  const json = Buffer.from(`\n{"stripeKey": "${key}"}\n`)
  const files = {
    'dist/nul.js': Buffer.concat([Buffer.alloc(4096), line]), // 50% NUL bytes in the first 8 KiB
    'dist/all-nul-head.mjs': Buffer.concat([Buffer.alloc(8192), line]),
    'dist/control.js': Buffer.concat([Buffer.alloc(6000, 0x01), line]),
    'dist/wasm-magic.js': Buffer.concat([Buffer.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), Buffer.alloc(4096), line]),
    'dist/nul.json': Buffer.concat([Buffer.alloc(4096), json]),
    'dist/nul.html': Buffer.concat([Buffer.alloc(4096), Buffer.from(`<script>${line}</script>`)]),
    'dist/nul.js.gz': require('node:zlib').gzipSync(Buffer.concat([Buffer.alloc(4096), line])),
  }
  const dir = apps.writeTree(apps.tempDir('fc-nul-pad'), files)
  const r = apps.runCli(['dist', '--format', 'json'], { cwd: dir })
  assert.equal(r.code, 1, `exit ${r.code}: ${r.stdout}${r.stderr}`)
  const report = JSON.parse(r.stdout)
  assert.deepEqual(report.notes.filter((n) => n.code === 'binary').map((n) => n.file), [], 'nothing named as code is skipped as binary')
  const found = new Set(report.findings.filter((f) => f.ruleId === 'stripe-secret-key').flatMap((f) => [f.file, ...(f.locations || []).map((l) => l.file)]))
  for (const file of Object.keys(files)) assert.ok(found.has(file), `the key in ${file} was not found: ${[...found].join(', ')}`)
  // files not named as code keep the binary sniffing: a NUL-padded .dat is still skipped
  const other = apps.writeTree(apps.tempDir('fc-nul-dat'), { 'dist/blob.dat': Buffer.concat([Buffer.alloc(4096), line]) })
  const o = apps.runCli(['dist', '--format', 'json'], { cwd: other })
  assert.deepEqual(JSON.parse(o.stdout).notes.map((n) => n.code), ['binary'])
})
