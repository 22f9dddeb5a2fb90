'use strict'
// The Vite plugin in `vite serve`: modules are scanned as the dev server transforms them, and
// secretgate only warns: the transformed code comes back unchanged, nothing throws.
const { test, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { fakeKeys } = require('./helpers/fake-keys.js')
const { tempCopy, cleanup, write, recordingLogger } = require('./helpers/vite.js')

after(cleanup)

async function devServer(dir, pluginOptions) {
  const { createServer, createLogger } = await import('vite')
  const secretgate = require('../../npm/vite.js')
  const rec = recordingLogger(createLogger)
  const server = await createServer({
    root: dir,
    configFile: false,
    logLevel: 'info',
    customLogger: rec.logger,
    cacheDir: fs.mkdtempSync(path.join(os.tmpdir(), 'secretgate-vite-cache-')),
    server: { middlewareMode: true, hmr: false, ws: false, watch: null },
    plugins: [secretgate(pluginOptions)],
  })
  return { server, rec }
}

/** configureServer's startup check runs in the background: wait for its output (or time out). */
async function settle(rec, pattern, ms = 15000) {
  const until = Date.now() + ms
  while (Date.now() < until && !pattern.test(rec.text())) await new Promise((r) => setTimeout(r, 25))
}

test('dev: exposed secrets and hard-coded keys give warnings with locations; the module is served unchanged', async () => {
  const dir = tempCopy('basic')
  const secret = fakeKeys.stripeSecret()
  const token = fakeKeys.githubToken()
  write(dir, '.env.local', `VITE_APP_TITLE=Shop\n\nVITE_STRIPE_SECRET_KEY=${secret}\n`)
  write(dir, 'src/settings.js', [
    'export const settings = {',
    '  stripeKey: import.meta.env.VITE_STRIPE_SECRET_KEY,',
    `  token: '${token}',`,
    '}',
    '',
  ].join('\n'))
  const { server, rec } = await devServer(dir)
  try {
    const result = await server.transformRequest('/src/settings.js')
    assert.ok(result && result.code.includes('import.meta.env.VITE_STRIPE_SECRET_KEY'), 'the module is served')
    await settle(rec, /env-exposed[\s\S]*\.env\.local/)
    const text = rec.text()
    const warnings = rec.lines.filter((l) => l.level === 'warn').map((l) => l.msg).join('\n')
    // the variable, at its line in .env.local (startup) and where the module reads it
    assert.match(warnings, /warning env-exposed {2}VITE_STRIPE_SECRET_KEY is exposed to the browser by the VITE_ prefix; keep it on a server/)
    assert.match(warnings, /at \.env\.local:3:1/)
    assert.match(warnings, /at src\/settings\.js:2:14/)
    // the hard-coded token, mapped back to its original line
    assert.match(warnings, /error github-token/)
    assert.match(warnings, /src\/settings\.js:3:/)
    assert.match(warnings, /reported only, nothing is blocked; `vite build` fails on the errors/)
    assert.ok(!rec.lines.some((l) => l.level === 'error'), 'everything goes out as warnings')
    assert.ok(!text.includes(secret) && !text.includes(token), 'no raw secret in the dev output')
    // transforming again (an HMR update) does not repeat the same warnings
    const before = rec.lines.length
    server.moduleGraph.invalidateAll()
    await server.transformRequest('/src/settings.js')
    assert.equal(rec.lines.length, before)
  } finally {
    await server.close()
  }
})

test('dev: a key in index.html is reported when the page is served', async () => {
  const dir = tempCopy('basic')
  const slack = fakeKeys.slackBotToken()
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8')
  fs.writeFileSync(path.join(dir, 'index.html'), html.replace('</head>', `  <script>window.__SUPPORT__ = { slackToken: '${slack}' }</script>\n  </head>`))
  const { server, rec } = await devServer(dir)
  try {
    const page = await server.transformIndexHtml('/index.html', fs.readFileSync(path.join(dir, 'index.html'), 'utf8'))
    assert.ok(page.includes('__SUPPORT__'), 'the page is served')
    assert.match(rec.text(), /error slack-token[\s\S]*from index\.html:6:/)
    assert.ok(!rec.text().includes(slack))
  } finally {
    await server.close()
  }
})

test('dev: false turns the dev scan off', async () => {
  const dir = tempCopy('basic')
  const token = fakeKeys.githubToken()
  write(dir, 'src/settings.js', `export const settings = { token: '${token}' }\n`)
  const { server, rec } = await devServer(dir, { dev: false })
  try {
    const result = await server.transformRequest('/src/settings.js')
    assert.ok(result.code.includes('settings'))
    await new Promise((r) => setTimeout(r, 200))
    assert.ok(!/secretgate/.test(rec.text()), 'no secretgate output')
  } finally {
    await server.close()
  }
})
