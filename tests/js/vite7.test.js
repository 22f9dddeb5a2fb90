'use strict'
// The Vite plugin on the previous Vite major (vite 7, rollup-based; installed as `vite7`): the
// same hooks, the same guarantees as on Vite 8.
const { test, after } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { fakeKeys } = require('./helpers/fake-keys.js')
const { tempCopy, cleanup, write, runBuild, filesUnder, filesHolding, recordingLogger, more } = require('./helpers/vite.js')

after(cleanup)

const VITE = 'vite7'

function outFiles(r) {
  return filesUnder(r.outDir).map((f) => path.relative(r.outDir, f).split(path.sep).join('/')).sort()
}

test('vite 7: the plugin runs on the previous major', async () => {
  const { version } = await import(VITE)
  assert.match(version, /^7\./)
})

test('vite 7: a VITE_ secret fails the build with the variable, the source line, and nothing written', async () => {
  const dir = tempCopy('basic')
  const secret = fakeKeys.stripeSecret()
  write(dir, '.env.local', `VITE_STRIPE_SECRET_KEY=${secret}\n`)
  write(dir, 'src/settings.js', ['export const settings = {', "  shop: 'demo',", '  stripeKey: import.meta.env.VITE_STRIPE_SECRET_KEY,', '}', ''].join('\n'))
  const r = await runBuild(dir, { vite: VITE })
  assert.ok(r.error, 'the build must fail')
  assert.equal(r.detail.plugin, 'secretgate')
  assert.equal(r.detail.id, path.join(dir, 'src/settings.js'))
  assert.equal(r.detail.loc.line, 3)
  assert.match(String(r.error.message), /VITE_STRIPE_SECRET_KEY is exposed to the browser by the VITE_ prefix; keep it on a server/)
  const f = r.report.findings.find((x) => x.ruleId === 'stripe-secret-key')
  assert.ok(f && f.envVar === 'VITE_STRIPE_SECRET_KEY' && f.original.file === 'src/settings.js' && f.original.line === 3)
  assert.deepEqual(filesHolding(r.outDir, [secret]), [])
  assert.deepEqual(outFiles(r), ['robots.txt'])
  assert.ok(!r.logs.includes(secret) && !String(r.error.message).includes(secret))
})

test('vite 7: a secret in public/ stops the build before the copy', async () => {
  const dir = tempCopy('basic')
  const token = fakeKeys.githubToken()
  write(dir, 'public/config.json', JSON.stringify({ token }) + '\n')
  const r = await runBuild(dir, { vite: VITE })
  assert.ok(r.error, 'the build must fail')
  assert.ok(r.report.findings.some((f) => f.ruleId === 'github-token' && f.original.file === 'public/config.json'))
  assert.deepEqual(filesHolding(r.outDir, [token]), [])
})

test('vite 7: publishable keys pass, and the maps secretgate needed are not written', async () => {
  const dir = tempCopy('basic')
  const pk = fakeKeys.stripePublishable()
  write(dir, '.env', `VITE_STRIPE_PUBLISHABLE_KEY=${pk}\nVITE_SUPABASE_ANON_KEY=${more.supabaseJwt('anon')}\n`)
  write(dir, 'src/settings.js', "export const settings = { stripe: import.meta.env.VITE_STRIPE_PUBLISHABLE_KEY }\nwindow.supabase.createClient('https://abcdefghijklmnopqrst.supabase.co', import.meta.env.VITE_SUPABASE_ANON_KEY)\n")
  const r = await runBuild(dir, { vite: VITE })
  assert.equal(r.error, null, r.error && r.error.message)
  const info = r.report.findings.filter((f) => f.severity === 'info').map((f) => f.ruleId).sort()
  assert.deepEqual(info, ['stripe-publishable-key', 'supabase-anon-key'])
  assert.ok(!outFiles(r).some((f) => f.endsWith('.map')))
})

test('vite 7: SSR output is reported as a warning', async () => {
  const dir = tempCopy('basic')
  const token = fakeKeys.githubToken()
  write(dir, 'src/entry-server.js', `export const token = '${token}'\n`)
  const r = await runBuild(dir, { vite: VITE, config: { build: { ssr: 'src/entry-server.js', outDir: path.join(dir, 'dist-server') } } })
  assert.equal(r.error, null, r.error && r.error.message)
  const f = r.report.findings.find((x) => x.ruleId === 'github-token')
  assert.equal(f.severity, 'warning')
})

test('vite 7: the dev server warns and serves the module', async () => {
  const dir = tempCopy('basic')
  const token = fakeKeys.githubToken()
  write(dir, 'src/settings.js', `export const settings = {\n  token: '${token}',\n}\n`)
  const { createServer, createLogger } = await import(VITE)
  const rec = recordingLogger(createLogger)
  const server = await createServer({
    root: dir,
    configFile: false,
    customLogger: rec.logger,
    cacheDir: path.join(dir, '.vite-cache'),
    server: { middlewareMode: true, hmr: false, ws: false, watch: null },
    plugins: [require('../../npm/vite.js')()],
  })
  try {
    const result = await server.transformRequest('/src/settings.js')
    assert.ok(result.code.includes('settings'))
    assert.match(rec.text(), /error github-token[\s\S]*src\/settings\.js:2:/)
    assert.ok(!rec.text().includes(token))
  } finally {
    await server.close()
  }
})
