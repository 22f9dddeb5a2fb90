'use strict'
// No network access in any default path: the Node API, the CLI (remote and metadata-service
// sourceMappingURLs included), a Vite build and dev-server transform, and a webpack build with
// the loader run in child processes where every network entry point throws and is logged
// (helpers/no-network.js, preloaded in worker threads too). The log must stay empty and each run
// must still do its job (find the planted key), so the check is not vacuous.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const apps = require('./helpers/apps.js')
const { fakeKeys } = require('../js/helpers/fake-keys.js')

const PRELOAD = path.join(__dirname, 'helpers', 'no-network.js')
test.after(apps.cleanup)

// A call is secretgate's when a frame of its own code (npm/, not node_modules) is on the stack;
// the bundlers' own calls (Vite's dev server resolves localhost) are listed but not ours to judge.
const OURS = new RegExp(`${path.join(apps.ROOT, 'npm').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\/][^\\/]+\\.(?:js|mjs)`)

function netLog() {
  const file = path.join(apps.tempDir('netlog'), 'net.jsonl')
  return { file, entries: () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []) }
}

function runNode(script, { cwd, log }) {
  const r = spawnSync(process.execPath, ['-r', PRELOAD, '-e', script], { cwd, encoding: 'utf8', env: apps.cliEnv({ SECRETGATE_TEST_NET_LOG: log.file }), timeout: 240000, maxBuffer: 64 * 1024 * 1024 })
  return r
}

test('the hooks work: a blocked call is logged (control)', () => {
  const log = netLog()
  runNode("try { require('node:https').get('https://example.com/') } catch {}; try { fetch('https://example.com/') } catch {}", { cwd: apps.ROOT, log })
  assert.deepEqual(log.entries().map((e) => e.what), ['https.get', 'fetch'])
})

test('Node API: scans of every kind, with source maps naming remote URLs, touch no network', () => {
  const log = netLog()
  const key = fakeKeys.stripeSecret()
  const script = `
    const { scan, Scanner, rules } = require(${JSON.stringify(path.join(apps.ROOT, 'npm', 'index.js'))})
    const key = ${JSON.stringify(key)}
    const map = JSON.stringify({ version: 3, sources: ['https://example.com/src/a.js'], sourceRoot: 'https://example.com/', sourcesContent: ['k="' + key + '"'], names: [], mappings: 'AAAA' })
    let n = 0
    n += scan('const stripeKey = "' + key + '";\\n//# sourceMappingURL=https://example.com/a.js.map', { file: 'a.js', sourceMap: map }).findings.length
    n += scan('<script>const stripeKey = "' + key + '"</script><script src="https://example.com/x.js"></script>', { file: 'a.html' }).findings.length
    n += scan(JSON.stringify({ stripeKey: key, url: 'https://example.com' }), { file: 'a.json' }).findings.length
    n += scan('@import url(https://example.com/x.css); /* ' + key + ' */', { file: 'a.css' }).findings.length
    n += scan(map, { file: 'a.js.map' }).findings.length
    n += new Scanner({ knownSecrets: [{ name: 'K', value: key }] }).scan('x="' + key + '"', { file: 'b.js' }).findings.length
    rules()
    console.log(n)
  `
  const r = runNode(script, { cwd: apps.ROOT, log })
  assert.equal(r.status, 0, r.stderr)
  assert.ok(Number(r.stdout.trim()) >= 6, `every scan found the key: ${r.stdout}`)
  assert.deepEqual(log.entries(), [])
})

test('CLI: remote and metadata-service sourceMappingURLs are not fetched; nothing else reaches the network', () => {
  const log = netLog()
  const key = fakeKeys.stripeSecret()
  const dir = apps.tempDir('net-cli')
  apps.writeTree(dir, {
    'dist/a.js': `const stripeKey = "${key}";\n//# sourceMappingURL=https://example.com/a.js.map\n`,
    'dist/b.js': `const t = 1;\n//# sourceMappingURL=http://169.254.169.254/latest/meta-data/iam/security-credentials/\n`,
    'dist/c.css': `.a{}\n/*# sourceMappingURL=//cdn.example.com/c.css.map */\n`,
    'dist/index.html': '<script src="https://example.com/x.js"></script><link rel="stylesheet" href="https://example.com/s.css">\n',
  })
  for (const args of [['dist', '--format', 'json'], ['dist', '-j', '2', '--format', 'sarif'], ['dist', '--format', 'github']]) {
    const r = spawnSync(process.execPath, ['-r', PRELOAD, apps.CLI, ...args], { cwd: dir, encoding: 'utf8', env: apps.cliEnv({ SECRETGATE_TEST_NET_LOG: log.file }) })
    assert.equal(r.status, 1, `one finding, exit 1: ${r.stdout}\n${r.stderr}`)
    if (args.includes('json')) {
      const rep = JSON.parse(r.stdout)
      assert.ok(rep.findings.some((f) => f.ruleId === 'stripe-secret-key'))
      assert.ok(JSON.stringify(rep).includes('sourcemap-remote'), 'the remote map is noted, not fetched')
    }
  }
  assert.deepEqual(log.entries(), [])
})

test('Vite build and dev-server transform, webpack build with the loader: no network', (t) => {
  const log = netLog()
  const key = fakeKeys.githubToken()
  const vdir = apps.viteApp({ 'src/settings.js': `export const settings = { githubToken: "${key}" }\n` })
  const vite = `
    (async () => {
      const { build, createServer } = await import('vite')
      const secretgate = require(${JSON.stringify(path.join(apps.ROOT, 'npm', 'vite.js'))})
      let failed = false
      try {
        await build({ root: ${JSON.stringify(vdir)}, configFile: false, logLevel: 'silent', build: { outDir: 'dist', sourcemap: true }, plugins: [secretgate()] })
      } catch (e) { failed = /github/i.test(String(e.message)) }
      const server = await createServer({ root: ${JSON.stringify(vdir)}, configFile: false, logLevel: 'silent', cacheDir: ${JSON.stringify(apps.tempDir('vcache'))}, server: { middlewareMode: true, hmr: false, ws: false, watch: null }, plugins: [secretgate()] })
      await server.transformRequest('/src/settings.js')
      await server.close()
      console.log(JSON.stringify({ failed }))
    })().catch((e) => { console.error(e); process.exit(3) })
  `
  const rv = runNode(vite, { cwd: vdir, log })
  assert.equal(rv.status, 0, rv.stderr)
  assert.deepEqual(JSON.parse(rv.stdout.trim().split('\n').pop()), { failed: true }, 'the Vite build failed on the key')

  const wdir = apps.webpackApp({ 'src/settings.js': `export const settings = { githubToken: "${key}" }\n` })
  const webpack = `
    const webpack = require(${JSON.stringify(path.join(apps.NODE_MODULES, 'webpack'))})
    const SecretgatePlugin = require(${JSON.stringify(path.join(apps.ROOT, 'npm', 'webpack.js'))})
    webpack({
      mode: 'production', context: ${JSON.stringify(wdir)}, entry: './src/index.js', devtool: 'source-map',
      output: { path: ${JSON.stringify(apps.tempDir('wnet-out'))} },
      resolveLoader: { modules: [${JSON.stringify(apps.NODE_MODULES)}] },
      module: { rules: [{ test: /\\.js$/, use: [${JSON.stringify(apps.LOADER)}] }] },
      plugins: [new SecretgatePlugin()],
    }).run((err, stats) => {
      console.log(JSON.stringify({ err: !!err, errors: stats ? stats.toJson({ all: false, errors: true }).errors.filter((e) => /secretgate/.test(e.message)).length : -1 }))
    })
  `
  const rw = runNode(webpack, { cwd: wdir, log })
  assert.equal(rw.status, 0, rw.stderr)
  const out = JSON.parse(rw.stdout.trim().split('\n').pop())
  assert.ok(out.errors >= 1, `the webpack build reported the key: ${rw.stdout}`)
  const ours = log.entries().filter((e) => OURS.test(e.stack))
  assert.deepEqual(ours, [], JSON.stringify(ours, null, 2))
  const theirs = log.entries().filter((e) => !OURS.test(e.stack))
  if (theirs.length) t.diagnostic(`bundler's own blocked calls: ${theirs.map((e) => e.what).join(', ')}`)
})
