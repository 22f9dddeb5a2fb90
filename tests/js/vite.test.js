'use strict'
// The Vite plugin against real Vite builds (vite 8, rolldown): fixture apps under
// tests/fixtures/vite are copied to temp folders, fake keys are written in at run time, and each
// build is checked for how it failed, what it printed, what the report holds, and what reached
// the output folder.
const { test, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { fakeKeys } = require('./helpers/fake-keys.js')
const { tempCopy, cleanup, write, runBuild, filesUnder, filesHolding, more } = require('./helpers/vite.js')

after(cleanup)

/** No raw secret in anything the build printed or threw. */
function assertRedacted(r, secrets) {
  const printed = [r.logs, r.error ? String(r.error.message) : '', r.detail && r.detail.frame ? r.detail.frame : '', r.report ? JSON.stringify(r.report) : ''].join('\n')
  for (const s of secrets) assert.ok(!printed.includes(s), 'a raw secret appears in the build output or report')
}

function outFiles(r) {
  return filesUnder(r.outDir).map((f) => path.relative(r.outDir, f).split(path.sep).join('/')).sort()
}

function findingsOf(r, ruleId) {
  return ((r.report && r.report.findings) || []).filter((f) => !ruleId || f.ruleId === ruleId)
}

test('a VITE_ variable holding a Stripe secret key fails the build, naming the variable and the source line', async () => {
  const dir = tempCopy('basic')
  const secret = fakeKeys.stripeSecret()
  write(dir, '.env.local', `VITE_STRIPE_SECRET_KEY=${secret}\nVITE_APP_TITLE=Shop\n`)
  write(dir, 'src/settings.js', [
    'export const settings = {',
    "  title: import.meta.env.VITE_APP_TITLE,",
    '  stripeKey: import.meta.env.VITE_STRIPE_SECRET_KEY,',
    '}',
    '',
  ].join('\n'))
  const r = await runBuild(dir)
  assert.ok(r.error, 'the build must fail')
  // Vite's error path: plugin, id, loc and a frame of the original source
  assert.equal(r.detail.plugin, 'secretgate')
  assert.equal(r.detail.id, path.join(dir, 'src/settings.js'))
  assert.deepEqual({ line: r.detail.loc.line, file: r.detail.loc.file }, { line: 3, file: path.join(dir, 'src/settings.js') })
  assert.match(r.detail.frame, /> 3 \|\s+stripeKey: import\.meta\.env\.VITE_STRIPE_SECRET_KEY,/)
  const message = String(r.error.message)
  assert.match(message, /stripe-secret-key/)
  assert.match(message, /VITE_STRIPE_SECRET_KEY is exposed to the browser by the VITE_ prefix; keep it on a server/)
  // the report: the finding as data
  const [f] = findingsOf(r, 'stripe-secret-key')
  assert.ok(f, 'a stripe-secret-key finding')
  assert.equal(f.severity, 'error')
  assert.equal(f.envVar, 'VITE_STRIPE_SECRET_KEY')
  assert.deepEqual({ file: f.original.file, line: f.original.line }, { file: 'src/settings.js', line: 3 })
  assert.match(f.file, /^dist\/assets\/index-[\w-]+\.js$/)
  assert.ok(f.secret.startsWith('sk_live_') && f.secret.length < 16, 'redacted secret')
  // the CLI-style summary was printed before the error
  assert.match(r.logs, /error stripe-secret-key/)
  assert.match(r.logs, /from src\/settings\.js:3:/)
  assert.match(r.logs, /secretgate: 1 error/)
  // nothing holding the secret was written; outDir holds only the checked public copy
  assert.deepEqual(filesHolding(r.outDir, [secret]), [])
  assert.deepEqual(outFiles(r), ['robots.txt'])
  assertRedacted(r, [secret])
})

test('a secret hard-coded in a source module fails the build with its original line and a masked frame', async () => {
  const dir = tempCopy('basic')
  const token = fakeKeys.githubToken()
  write(dir, 'src/settings.js', [
    '// settings for the deploy widget',
    'const api = "https://api.github.com"',
    '',
    `const token = '${token}'`,
    'export const settings = { api, headers: { Authorization: `token ${token}` } }',
    '',
  ].join('\n'))
  const r = await runBuild(dir, { config: { build: { sourcemap: false } } })
  assert.ok(r.error, 'the build must fail')
  const found = findingsOf(r, 'github-token')
  assert.ok(found.length >= 1, 'a github-token finding')
  assert.equal(found[0].original.file, 'src/settings.js')
  assert.ok([4, 5].includes(found[0].original.line), `original line ${found[0].original.line}`)
  assert.equal(r.detail.id, path.join(dir, 'src/settings.js'))
  assert.match(r.detail.frame, /const token = '\*{20,}'/, 'the frame masks the token')
  assert.deepEqual(filesHolding(r.outDir, [token]), [])
  assert.ok(!outFiles(r).some((f) => f.endsWith('.map')), 'no source map written for a build that asked for none')
  assertRedacted(r, [token])
})

test('a non-prefixed variable inlined through define fails the build and says so', async () => {
  const dir = tempCopy('basic')
  const awsId = fakeKeys.awsAccessKeyId()
  const awsSecret = fakeKeys.awsSecretAccessKey()
  write(dir, '.env', `AWS_ACCESS_KEY_ID=${awsId}\nAWS_SECRET_ACCESS_KEY=${awsSecret}\n`)
  write(dir, 'src/settings.js', 'export const settings = { region: "eu-west-1", secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY }\n')
  const r = await runBuild(dir, {
    config: { define: { 'process.env.AWS_SECRET_ACCESS_KEY': JSON.stringify(awsSecret) } },
  })
  assert.ok(r.error, 'the build must fail')
  const hits = findingsOf(r).filter((f) => f.envVar === 'AWS_SECRET_ACCESS_KEY' && f.severity === 'error')
  assert.ok(hits.length >= 1, 'an error finding naming AWS_SECRET_ACCESS_KEY')
  assert.ok(['aws-secret-access-key', 'env-value'].includes(hits[0].ruleId), hits[0].ruleId)
  assert.match(hits[0].message, /AWS_SECRET_ACCESS_KEY is inlined into the bundle by define\['process\.env\.AWS_SECRET_ACCESS_KEY'\]; keep it on a server/)
  assert.equal(hits[0].original.file, 'src/settings.js')
  assert.deepEqual(filesHolding(r.outDir, [awsSecret]), [])
  assertRedacted(r, [awsSecret])
})

test('a secret with no known format is caught by known-value matching, plain and base64-encoded', async () => {
  const dir = tempCopy('basic')
  const internal = more.opaque(36)
  const signing = more.opaque(40)
  // named like a secret behind the public prefix; and a non-public, non-secret-named random value
  write(dir, '.env', `VITE_INTERNAL_TOKEN=${internal}\nBACKEND_SIGNING=${signing}\n`)
  write(dir, 'src/settings.js', 'export const settings = { banner: import.meta.env.VITE_INTERNAL_TOKEN, blob: __BLOB__ }\n')
  const r = await runBuild(dir, {
    config: { define: { __BLOB__: JSON.stringify(Buffer.from(signing).toString('base64')) } },
  })
  assert.ok(r.error, 'the build must fail')
  const env = findingsOf(r, 'env-value')
  const plain = env.find((f) => f.envVar === 'VITE_INTERNAL_TOKEN')
  assert.ok(plain, 'env-value for VITE_INTERNAL_TOKEN')
  assert.equal(plain.severity, 'error')
  assert.match(plain.message, /VITE_INTERNAL_TOKEN is exposed to the browser by the VITE_ prefix; keep it on a server/)
  assert.equal(plain.original.file, 'src/settings.js')
  const encoded = env.find((f) => f.envVar === 'BACKEND_SIGNING')
  assert.ok(encoded, 'env-value for the base64 form of BACKEND_SIGNING')
  assert.match(encoded.message, /base64- or URL-encoded/)
  assert.deepEqual(filesHolding(r.outDir, [internal, signing]), [])
  assertRedacted(r, [internal, signing])
})

test('secrets in public/ (.env, a private key, a token in JSON) fail the build before Vite copies or empties anything', async () => {
  const dir = tempCopy('basic')
  const secret = fakeKeys.stripeSecret()
  const token = fakeKeys.githubToken()
  const pem = more.privateKeyPem()
  write(dir, '.env.local', `STRIPE_SECRET_KEY=${secret}\n`)
  write(dir, 'public/.env', `STRIPE_SECRET_KEY=${secret}\n`)
  write(dir, 'public/keys/deploy.pem', pem)
  write(dir, 'public/config.json', JSON.stringify({ githubToken: token }, null, 2) + '\n')
  // an earlier build's output: the failed build must not have touched it
  write(dir, 'dist/earlier.txt', 'from an earlier build\n')
  const r = await runBuild(dir)
  assert.ok(r.error, 'the build must fail')
  assert.equal(r.detail.plugin, 'secretgate:public-dir')
  const files = new Set(findingsOf(r).filter((f) => f.severity === 'error').map((f) => f.original && f.original.file))
  for (const f of ['public/.env', 'public/keys/deploy.pem', 'public/config.json']) assert.ok(files.has(f), `a finding in ${f}`)
  assert.ok(findingsOf(r, 'deploy-env-file').length === 1, 'the .env file is flagged as such')
  assert.ok(findingsOf(r, 'github-token').length >= 1)
  assert.match(String(r.error.message), /stopped before Vite emptied dist\/ or copied public\/ into it/)
  assert.deepEqual(outFiles(r), ['earlier.txt'])
  assert.deepEqual(filesHolding(r.outDir, [secret, token, pem.split('\n')[1]]), [])
  assertRedacted(r, [secret, token, pem.split('\n')[1]])
})

test('publishable keys only (Stripe pk_live_, a Firebase web config, a Supabase anon JWT) pass with info findings', async () => {
  const dir = tempCopy('basic')
  const pk = fakeKeys.stripePublishable()
  const firebaseKey = more.googleApiKey()
  const anon = more.supabaseJwt('anon')
  write(dir, '.env', `VITE_STRIPE_PUBLISHABLE_KEY=${pk}\nVITE_SUPABASE_ANON_KEY=${anon}\n`)
  write(dir, 'src/settings.js', [
    'export const settings = { stripe: import.meta.env.VITE_STRIPE_PUBLISHABLE_KEY }',
    'window.firebase.initializeApp({',
    `  apiKey: '${firebaseKey}',`,
    "  authDomain: 'demo-shop.firebaseapp.com',",
    "  projectId: 'demo-shop',",
    '})',
    "window.supabase.createClient('https://abcdefghijklmnopqrst.supabase.co', import.meta.env.VITE_SUPABASE_ANON_KEY)",
    '',
  ].join('\n'))
  const r = await runBuild(dir)
  assert.equal(r.error, null, r.error && r.error.message)
  const visible = findingsOf(r).filter((f) => !f.suppressed)
  assert.deepEqual(visible.filter((f) => f.severity === 'error'), [])
  const byRule = new Map(visible.map((f) => [f.ruleId, f]))
  assert.equal(byRule.get('stripe-publishable-key').severity, 'info')
  assert.equal(byRule.get('stripe-publishable-key').envVar, 'VITE_STRIPE_PUBLISHABLE_KEY')
  assert.equal(byRule.get('firebase-web-api-key').severity, 'info')
  assert.equal(byRule.get('supabase-anon-key').severity, 'info')
  assert.equal(byRule.get('supabase-anon-key').envVar, 'VITE_SUPABASE_ANON_KEY')
  assert.match(r.logs, /secretgate: no findings|0 errors, 0 warnings, \d+ info/)
  // the user asked for no maps: secretgate makes none for itself, so none is written either
  const written = outFiles(r)
  assert.ok(written.includes('index.html') && written.some((f) => /^assets\/index-.*\.js$/.test(f)))
  assert.ok(!written.some((f) => f.endsWith('.map')), `no .map file written: ${written.join(', ')}`)
  for (const f of filesUnder(r.outDir).filter((x) => x.endsWith('.js'))) {
    assert.ok(!fs.readFileSync(f, 'utf8').includes('sourceMappingURL'), 'no sourceMappingURL comment')
  }
})

test('every emitted asset is scanned: an inline script in index.html, a stylesheet, a web worker', async () => {
  const dir = tempCopy('basic')
  const github = fakeKeys.githubToken()
  const slack = fakeKeys.slackBotToken()
  const sendgrid = fakeKeys.sendgridKey()
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8')
  write(dir, 'index.html', html.replace('</head>', `  <script>window.__SUPPORT__ = { slackToken: '${slack}' }</script>\n  </head>`))
  write(dir, 'src/style.css', `#app { font-family: system-ui; }\n#app::after { content: "${github}"; }\n`)
  write(dir, 'src/settings.js', "const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })\nexport const settings = { worker }\n")
  write(dir, 'src/worker.js', `const sendgrid = '${sendgrid}'\nself.onmessage = () => fetch('https://api.sendgrid.com/v3/mail/send', { headers: { Authorization: 'Bearer ' + sendgrid } })\n`)
  const r = await runBuild(dir)
  assert.ok(r.error, 'the build must fail')
  const where = (rule) => {
    const f = findingsOf(r, rule)[0]
    assert.ok(f, `a ${rule} finding`)
    return `${f.file.replace(/-[\w-]{8}\./, '-HASH.')} <- ${f.original && f.original.file}`
  }
  assert.equal(where('slack-token'), 'dist/index.html <- index.html')
  assert.equal(where('github-token'), 'dist/assets/index-HASH.css <- src/style.css')
  assert.equal(where('sendgrid-api-key'), 'dist/assets/worker-HASH.js <- src/worker.js')
  assert.deepEqual(filesHolding(r.outDir, [github, slack, sendgrid]), [])
  assertRedacted(r, [github, slack, sendgrid])
})

test('a build that asks for no maps gets none: secretgate never turns source maps on (they cost more than the scan)', async () => {
  const dir = tempCopy('basic')
  write(dir, 'src/settings.js', "const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })\nexport const settings = { worker }\n")
  write(dir, 'src/worker.js', "self.onmessage = () => self.postMessage('pong')\n")
  // what the bundle holds when the last plugins see it
  const maps = []
  const recorder = { name: 'record-maps', enforce: 'post', generateBundle(_, bundle) {
    for (const [fileName, item] of Object.entries(bundle)) maps.push(item.type === 'chunk' ? item.map : fileName.endsWith('.map') ? fileName : null)
  } }
  const r = await runBuild(dir, { config: { plugins: [recorder] } })
  assert.equal(r.error, null, r.error && r.error.message)
  assert.ok(maps.length >= 3, 'the recorder saw the bundle')
  assert.deepEqual(maps.filter(Boolean), [], 'no chunk has a map, no map asset was made')
  const written = outFiles(r)
  assert.ok(written.some((f) => /^assets\/worker-.*\.js$/.test(f)), written.join(', '))
  assert.deepEqual(written.filter((f) => f.endsWith('.map')), [])
  const withMaps = await runBuild(tempCopy('basic'), { config: { build: { sourcemap: true } } })
  assert.ok(outFiles(withMaps).some((f) => f.endsWith('.js.map')), 'maps the user asked for are written')
})

test('without source maps, a secret inside a dependency is placed in the package file it ships from', async () => {
  const dir = tempCopy('basic')
  // a package of its own instead of the linked node_modules (the fixture imports nothing else)
  fs.rmSync(path.join(dir, 'node_modules'))
  const token = fakeKeys.githubToken()
  write(dir, 'node_modules/leaky-sdk/package.json', JSON.stringify({ name: 'leaky-sdk', version: '1.0.0', main: 'index.js' }))
  write(dir, 'node_modules/leaky-sdk/index.js', ['// a vendored client that shipped with a token in it', 'exports.client = {', `  token: '${token}',`, '}', ''].join('\n'))
  write(dir, 'src/settings.js', "import { client } from 'leaky-sdk'\nexport const settings = { client }\n")
  const r = await runBuild(dir)
  assert.ok(r.error, 'the build must fail')
  const [f] = findingsOf(r, 'github-token')
  assert.ok(f, 'a github-token finding')
  assert.deepEqual({ file: f.original.file, line: f.original.line }, { file: 'node_modules/leaky-sdk/index.js', line: 3 })
  assert.equal(r.detail.id, path.join(dir, 'node_modules/leaky-sdk/index.js'))
  assert.match(r.detail.frame, /> 3 \|\s+token: '\*{20,}'/)
  assert.deepEqual(filesHolding(r.outDir, [token]), [])
  assertRedacted(r, [token])
})

test('a real app with heavy dependencies (react, react-dom) passes', async () => {
  const dir = tempCopy('react-app')
  write(dir, '.env', 'VITE_APP_TITLE=Counter\n')
  const r = await runBuild(dir)
  assert.equal(r.error, null, r.error && r.error.message)
  assert.deepEqual(findingsOf(r).filter((f) => f.severity !== 'info' && !f.suppressed).map((f) => `${f.ruleId} ${f.file}`), [])
  assert.ok(r.report.stats.bytes > 100000, 'the React bundle was scanned')
  assert.ok(outFiles(r).some((f) => /^assets\/index-.*\.js$/.test(f)))
})

test('source maps on and off give the same original file and line', async () => {
  const results = []
  for (const sourcemap of [false, true, 'hidden']) {
    const dir = tempCopy('basic')
    const token = fakeKeys.npmToken()
    write(dir, 'src/settings.js', ['export const settings = {', "  registry: 'https://registry.npmjs.org',", `  npmToken: '${token}',`, '}', ''].join('\n'))
    const r = await runBuild(dir, { config: { build: { sourcemap } } })
    assert.ok(r.error, `sourcemap ${sourcemap}: the build must fail`)
    const [f] = findingsOf(r, 'npm-token')
    assert.ok(f, `sourcemap ${sourcemap}: an npm-token finding`)
    results.push({ file: f.original.file, line: f.original.line, column: f.original.column })
    assert.deepEqual(filesHolding(r.outDir, [token]), [])
    assert.ok(!outFiles(r).some((x) => x.endsWith('.map')), 'a failed build writes no map either')
  }
  assert.deepEqual(results[0], { file: 'src/settings.js', line: 3, column: results[0].column })
  assert.deepEqual(results[1], results[0])
  assert.deepEqual(results[2], results[0])
})

test('an SSR build reports server output as warnings; server: "fail" makes them errors', async () => {
  const dir = tempCopy('basic')
  const token = fakeKeys.githubToken()
  write(dir, 'src/entry-server.js', `export function render() { return fetch('https://api.github.com/user', { headers: { Authorization: 'token ${token}' } }) }\n`)
  const ssr = { build: { ssr: 'src/entry-server.js', outDir: path.join(dir, 'dist-server') } }
  const passing = await runBuild(dir, { config: ssr })
  assert.equal(passing.error, null, passing.error && passing.error.message)
  const [w] = findingsOf(passing, 'github-token')
  assert.ok(w, 'the token is reported')
  assert.equal(w.severity, 'warning')
  assert.equal(w.server, true)
  assert.match(passing.logs, /warning github-token/)

  const failing = await runBuild(dir, { config: ssr, plugin: { server: 'fail' } })
  assert.ok(failing.error, 'server: "fail" fails the SSR build')
  assert.equal(findingsOf(failing, 'github-token')[0].severity, 'error')
  assertRedacted(passing, [token])
  assertRedacted(failing, [token])
})

test('Environment API: every build environment is scanned with its own policy', async () => {
  const dir = tempCopy('basic')
  const pk = fakeKeys.stripePublishable()
  const sk = fakeKeys.stripeSecret()
  write(dir, '.env', `VITE_STRIPE_PUBLISHABLE_KEY=${pk}\n`)
  write(dir, 'src/settings.js', 'export const settings = { stripe: import.meta.env.VITE_STRIPE_PUBLISHABLE_KEY }\n')
  write(dir, 'src/entry-server.js', `export const stripeSecret = '${sk}'\n`)
  const { createBuilder, createLogger } = await import('vite')
  const secretgate = require('../../npm/vite.js')
  const reportFile = path.join(dir, 'report.json')
  const logs = []
  const logger = createLogger('info')
  for (const level of ['info', 'warn', 'warnOnce', 'error']) {
    logger[level] = (msg) => {
      logs.push(String(msg))
    }
  }
  const builder = await createBuilder({
    root: dir,
    configFile: false,
    customLogger: logger,
    builder: {},
    environments: {
      client: { build: { outDir: path.join(dir, 'dist/client') } },
      ssr: { build: { outDir: path.join(dir, 'dist/server'), rolldownOptions: { input: path.join(dir, 'src/entry-server.js') } } },
    },
    plugins: [secretgate({ report: reportFile })],
  })
  await builder.buildApp()
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'))
  const pkHit = report.findings.find((f) => f.ruleId === 'stripe-publishable-key')
  const skHit = report.findings.find((f) => f.ruleId === 'stripe-secret-key')
  assert.ok(pkHit && pkHit.file.startsWith('dist/client/'), 'the client environment was scanned')
  assert.ok(skHit && skHit.file.startsWith('dist/server/'), 'the ssr environment was scanned')
  assert.equal(skHit.severity, 'warning')
  assert.ok(logs.join('\n').includes('secretgate [ssr]'), 'the summary names the environment')
  assert.ok(!logs.join('\n').includes(sk) && !fs.readFileSync(reportFile, 'utf8').includes(sk))
})

test('an inline ignore comment in the original source is honoured', async () => {
  const dir = tempCopy('basic')
  const token = fakeKeys.githubToken()
  write(dir, 'src/settings.js', [
    '// secretgate-ignore-next-line fixture token, revoked',
    `export const settings = { token: '${token}' }`,
    '',
  ].join('\n'))
  const r = await runBuild(dir)
  assert.equal(r.error, null, r.error && r.error.message)
  const [f] = findingsOf(r, 'github-token')
  assert.ok(f, 'still listed')
  assert.deepEqual(f.suppressed, { reason: 'fixture token, revoked', by: 'inline' })
  assert.match(r.logs, /1 suppressed/)
  assertRedacted(r, [token])
})

test('report files: SARIF or JSON, written outside outDir after every build, no raw secret', async () => {
  const dir = tempCopy('basic')
  const secret = fakeKeys.stripeSecret()
  write(dir, 'src/settings.js', `export const settings = { key: '${secret}' }\n`)
  const sarifFile = path.join(dir, 'reports', 'secretgate.sarif')
  const r = await runBuild(dir, { plugin: { report: { format: 'sarif', file: 'reports/secretgate.sarif' } }, reportFile: sarifFile })
  assert.ok(r.error)
  const sarif = JSON.parse(fs.readFileSync(sarifFile, 'utf8'))
  assert.equal(sarif.version, '2.1.0')
  assert.ok(sarif.runs[0].results.some((x) => x.ruleId === 'stripe-secret-key'))
  assert.ok(!fs.readFileSync(sarifFile, 'utf8').includes(secret))
  assert.deepEqual(filesHolding(r.outDir, [secret]), [])
})

test('define inlining the whole of process.env is an error of its own', async () => {
  const dir = tempCopy('basic')
  write(dir, 'src/settings.js', 'export const settings = { mode: process.env.NODE_ENV }\n')
  const r = await runBuild(dir, { config: { define: { 'process.env': JSON.stringify({ ...process.env, SOME_API_TOKEN: more.opaque(30) }) } } })
  assert.ok(r.error, 'the build must fail')
  const [f] = findingsOf(r, 'env-wholesale-define')
  assert.ok(f, 'an env-wholesale-define finding')
  assert.equal(f.severity, 'error')
  assert.match(f.message, /define\['process\.env'\] inlines the whole environment/)
})

test('fail closed: a file the core could not judge fails the build, unless onError: "warn"', async () => {
  process.env.SECRETGATE_TEST_GATE_FAULT = 'internal:robots.txt'
  try {
    const dir = tempCopy('basic')
    const r = await runBuild(dir)
    assert.ok(r.error, 'the build must fail')
    assert.match(String(r.error.message), /could not judge dist\/robots\.txt/)
    assert.match(String(r.error.message), /onError: 'warn'/)
    const warned = await runBuild(tempCopy('basic'), { plugin: { onError: 'warn' } })
    assert.equal(warned.error, null)
    assert.match(warned.logs, /could not judge/)
  } finally {
    delete process.env.SECRETGATE_TEST_GATE_FAULT
  }
})

test('the config file is read and plugin options win over it (failOn, allow, ignore)', async () => {
  const dir = tempCopy('basic')
  const googleKey = more.googleApiKey()
  const token = fakeKeys.githubToken()
  // named neutrally: a key named for Maps is reported as a publishable Maps key (info)
  write(dir, 'src/settings.js', `export const settings = { googleKey: '${googleKey}' }\n`)
  write(dir, 'secretgate.config.json', JSON.stringify({ failOn: 'warning' }))
  const strict = await runBuild(dir)
  assert.ok(strict.error, 'failOn: warning from the config file fails on the google-api-key warning')
  assert.equal(findingsOf(strict, 'google-api-key')[0].severity, 'warning')
  const lenient = await runBuild(dir, { plugin: { failOn: 'error' } })
  assert.equal(lenient.error, null, 'the plugin option wins over the file')

  write(dir, 'src/settings.js', `export const settings = { token: '${token}' }\n`)
  const allowed = await runBuild(dir, { plugin: { failOn: 'error', allow: [{ rule: 'github-token', file: 'src/settings.js', reason: 'revoked fixture token' }] } })
  assert.equal(allowed.error, null, allowed.error && allowed.error.message)
  assert.deepEqual(findingsOf(allowed, 'github-token')[0].suppressed, { reason: 'revoked fixture token', by: 'allow' })
  const ignored = await runBuild(dir, { plugin: { failOn: 'error', ignore: ['assets/*.js'] } })
  assert.equal(ignored.error, null, 'an ignored output file is not scanned')
  assert.ok(ignored.report.stats.ignored >= 1)
})

test('plugin options are validated when the plugin is created', () => {
  const secretgate = require('../../npm/vite.js')
  assert.throws(() => secretgate({ failon: 'error' }), /"failon" is not a known option/)
  assert.throws(() => secretgate({ dev: 'block' }), /"dev" must be 'warn' or false/)
  assert.throws(() => secretgate({ onError: 'ignore' }), /"onError" must be 'fail' or 'warn'/)
  assert.throws(() => secretgate({ report: { format: 'xml' } }), /report\.format must be 'json' or 'sarif'/)
  const plugins = secretgate({ rules: { 'generic-secret': 'off' } })
  assert.deepEqual(plugins.map((p) => p.name), ['secretgate:public-dir', 'secretgate', 'secretgate:dev'])
})
