'use strict'
// Concurrency gives the same findings as a single run, with no state shared between scans: CLI
// worker pools of different sizes and several CLI processes at once, Scanners with different
// known secrets interleaved (and across an instance replacement), two Vite builds at once in one
// process, Vite client+ssr environments, a webpack multi-compiler, and webpack watch rebuilds
// compared with a fresh build of the final state.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const apps = require('./helpers/apps.js')
const { fakeKeys } = require('../js/helpers/fake-keys.js')
const { lineMap } = require('./helpers/seeds.js')

const INDEX = path.join(apps.ROOT, 'npm', 'index.js')
test.after(apps.cleanup)

/** Findings reduced to what must not depend on scheduling, sorted (content hashes dropped). */
function norm(findings) {
  return findings
    .map((f) => [f.ruleId, String(f.file).replace(/-[A-Za-z0-9_-]{8}(?=\.(?:js|css|map)$)/, ''), f.line, f.column, f.fingerprint, f.severity, f.original ? `${f.original.file}:${f.original.line}` : '', f.suppressed ? 'suppressed' : ''].join(' '))
    .sort()
}

function cliTree() {
  const dir = apps.tempDir('conc-cli')
  const files = {}
  for (let i = 0; i < 300; i++) {
    const kind = i % 5
    const key = i % 5 === 0 ? fakeKeys.stripeSecret() : i % 7 === 0 ? fakeKeys.githubToken() : null
    const v = key ? `"${key}"` : `"plain-${i}"`
    if (kind === 0) files[`dist/js/m${i}.js`] = `export const apiKey${i} = ${v};\n`
    if (kind === 1) files[`dist/html/p${i}.html`] = `<html><script>window.apiKey = ${v}</script></html>\n`
    if (kind === 2) files[`dist/css/s${i}.css`] = `/* ${v} */ .a${i}{color:red}\n`
    if (kind === 3) files[`dist/json/c${i}.json`] = `{"apiKey": ${v}}\n`
    if (kind === 4) {
      files[`dist/map/b${i}.js`] = `x(${i});\n//# sourceMappingURL=b${i}.js.map\n`
      files[`dist/map/b${i}.js.map`] = lineMap(1, [`src/b${i}.js`], [`const apiKey = ${v};`])
    }
  }
  return apps.writeTree(dir, files)
}

test('CLI: 1, 2 and 6 workers and three processes at once report the same findings', async () => {
  const dir = cliTree()
  const run = (jobs) => apps.runCliAsync(['dist', '--format', 'json', '-j', String(jobs)], { cwd: dir })
  const single = await run(1)
  assert.equal(single.code, 1, single.stderr)
  const base = norm(JSON.parse(single.stdout).findings)
  assert.ok(base.length >= 60, `findings: ${base.length}`)
  for (const r of [await run(2), await run(6), ...(await Promise.all([run(3), run(3), run(2)]))]) {
    assert.equal(r.code, 1, r.stderr)
    assert.deepEqual(norm(JSON.parse(r.stdout).findings), base)
  }
})

test('Scanners with different known secrets never see each other, also across an instance replacement', () => {
  require('./helpers/force-trap.js')
  const { trapSource } = require('./helpers/force-trap.js')
  const { Scanner, scan } = require(INDEX)
  const va = fakeKeys.hex(40)
  const vb = fakeKeys.hex(40)
  const a = new Scanner({ knownSecrets: [{ name: 'A_TOKEN', value: va }] })
  const b = new Scanner({ knownSecrets: [{ name: 'B_TOKEN', value: vb }], rules: { 'generic-secret': 'off' } })
  const text = `x("${va}"); y("${vb}");`
  const envOf = (r) => r.findings.filter((f) => f.ruleId === 'env-value').map((f) => f.envVar)
  for (let i = 0; i < 50; i++) {
    if (i === 25) assert.throws(() => scan(trapSource(fakeKeys.stripeSecret()), { file: 'trap-me.js' }), { code: 'SECRETGATE_INTERNAL' })
    assert.deepEqual(envOf(a.scan(text, { file: `a${i}.js` })), ['A_TOKEN'])
    assert.deepEqual(envOf(b.scan(text, { file: `b${i}.js` })), ['B_TOKEN'])
    assert.deepEqual(envOf(scan(text, { file: `c${i}.js` })), [])
  }
})

const WARN = { 'stripe-secret-key': 'warning', 'github-token': 'warning', 'slack-token': 'warning', 'sendgrid-api-key': 'warning' }

async function viteReport(dir, extra = {}) {
  const report = path.join(apps.tempDir('conc-vite-report'), 'r.json')
  // Findings as warnings: the build completes (every environment, every output file).
  const r = await apps.viteBuild(dir, { plugin: { report, rules: WARN }, ...extra })
  assert.equal(r.error, null, r.errorText)
  return { r, findings: JSON.parse(fs.readFileSync(report, 'utf8')).findings }
}

function viteKeyApp() {
  return apps.viteApp({
    'src/settings.js': `export const settings = { stripeKey: "${fakeKeys.stripeSecret()}", githubToken: "${fakeKeys.githubToken()}" }\n`,
    'src/extra.css': `.x::after{content:"${fakeKeys.slackBotToken()}"}\n`,
    'src/main.js': "import { settings } from './settings.js'\nimport './extra.css'\ndocument.body.textContent = JSON.stringify(settings)\n",
  })
}

test('Vite: two builds at once in one process give the findings of each build alone', async () => {
  const a = viteKeyApp()
  const b = viteKeyApp()
  const aloneA = await viteReport(a)
  const aloneB = await viteReport(b)
  assert.ok(aloneA.findings.length >= 3 && aloneB.findings.length >= 3, JSON.stringify(aloneA.findings.map((f) => f.ruleId)))
  const [ca, cb] = await Promise.all([viteReport(a), viteReport(b)])
  assert.deepEqual(norm(ca.findings), norm(aloneA.findings))
  assert.deepEqual(norm(cb.findings), norm(aloneB.findings))
})

test('Vite: client and ssr environments in one buildApp: the client findings equal a client-only build', async () => {
  const dir = viteKeyApp()
  apps.writeTree(dir, { 'src/entry-server.js': `export const render = () => "${fakeKeys.stripeSecret()}"\n` })
  const clientOnly = await viteReport(dir)
  const { createBuilder } = await import('vite')
  const secretgate = require(path.join(apps.ROOT, 'npm', 'vite.js'))
  const report = path.join(apps.tempDir('conc-env'), 'r.json')
  const builder = await createBuilder({
    root: dir,
    configFile: false,
    logLevel: 'silent',
    builder: {},
    environments: {
      client: { build: { outDir: path.join(dir, 'dist') } },
      ssr: { build: { outDir: path.join(dir, 'dist-server'), rolldownOptions: { input: path.join(dir, 'src/entry-server.js') } } },
    },
    plugins: [secretgate({ report, rules: WARN })],
  })
  await builder.buildApp()
  const all = JSON.parse(fs.readFileSync(report, 'utf8')).findings
  const client = all.filter((f) => f.file.startsWith('dist/'))
  assert.ok(all.some((f) => f.file.startsWith('dist-server/')), 'the ssr environment was scanned too')
  assert.deepEqual(norm(client), norm(clientOnly.findings))
})

function webpackKeyApp() {
  return apps.webpackApp({ 'src/settings.js': `export const settings = { stripeKey: "${fakeKeys.stripeSecret()}", githubToken: "${fakeKeys.githubToken()}" }\n` })
}

function reportOf(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8')).findings
}

test('webpack: a multi-compiler building two apps at once gives the findings of each alone', async () => {
  const SecretgatePlugin = require(path.join(apps.ROOT, 'npm', 'webpack.js'))
  const a = webpackKeyApp()
  const b = webpackKeyApp()
  const cfg = (dir, report, name) => apps.webpackConfig(dir, { name, plugins: [new SecretgatePlugin({ report })] })
  const ra = path.join(apps.tempDir('conc-wp'), 'a.json')
  const rb = path.join(apps.tempDir('conc-wp'), 'b.json')
  await apps.webpackBuild(cfg(a, ra, 'a'))
  await apps.webpackBuild(cfg(b, rb, 'b'))
  const aloneA = reportOf(ra)
  const aloneB = reportOf(rb)
  assert.ok(aloneA.length >= 2 && aloneB.length >= 2)
  const ma = path.join(apps.tempDir('conc-wp'), 'ma.json')
  const mb = path.join(apps.tempDir('conc-wp'), 'mb.json')
  const multi = [cfg(a, ma, 'a'), cfg(b, mb, 'b')]
  multi.parallelism = 2
  const r = await apps.webpackBuild(multi)
  assert.ok(r.stats.hasErrors())
  assert.deepEqual(norm(reportOf(ma)), norm(aloneA))
  assert.deepEqual(norm(reportOf(mb)), norm(aloneB))
})

test('webpack watch: after rebuilds that add and remove keys, the findings equal a fresh build', async () => {
  const webpack = require('webpack')
  const SecretgatePlugin = require(path.join(apps.ROOT, 'npm', 'webpack.js'))
  const dir = webpackKeyApp()
  const past = new Date(Date.now() - 60000)
  for (const f of ['src/index.js', 'src/settings.js']) fs.utimesSync(path.join(dir, f), past, past)
  const report = path.join(apps.tempDir('conc-watch'), 'w.json')
  const compiler = webpack(apps.webpackConfig(dir, { infrastructureLogging: { level: 'none' }, plugins: [new SecretgatePlugin({ report })] }))
  const later = fakeKeys.sendgridKey()
  const write = (file, text) => {
    fs.writeFileSync(path.join(dir, file), text)
    return path.join(dir, file)
  }
  // each step returns the files it wrote
  const steps = [
    () => [write('src/settings.js', `export const settings = { sendgridApiKey: "${later}" }\n`)],
    () => [
      // a new module only joins the watch once something imports it
      write('src/more.js', `export const more = { stripeKey: "${fakeKeys.stripeSecret()}" }\n`),
      write('src/index.js', "import { settings } from './settings.js'\nimport { more } from './more.js'\nconsole.log(settings, more)\n"),
    ],
    () => [write('src/more.js', 'export const more = { stripeKey: "none" }\n')],
  ]
  const rounds = []
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`watch: only ${rounds.length} builds in 90 s`)), 90000)
    // the files the pending step wrote: [] for the first build, null while a step is scheduled
    let written = []
    const watching = compiler.watch({ aggregateTimeout: 100 }, (err, stats) => {
      if (err) return reject(err)
      // A rebuild that none of our writes caused (watchpack may rebuild once at start, when it
      // cannot tell a file's time from the watch's start) is not a round: wait for ours.
      const changed = compiler.modifiedFiles || new Set()
      if (written === null || (written.length > 0 && !written.some((f) => changed.has(f)))) return
      rounds.push(reportOf(report))
      const step = steps.shift()
      written = null
      if (step) setTimeout(() => (written = step()), 300)
      else {
        clearTimeout(timer)
        watching.close(resolve)
      }
    })
  })
  assert.equal(rounds.length, 4, 'one build per change')
  assert.ok(rounds[1].some((f) => f.ruleId === 'sendgrid-api-key') && !rounds[1].some((f) => f.ruleId === 'github-token'), `the removed key is gone, the new one found: ${JSON.stringify(rounds.map((r) => r.map((f) => f.ruleId)))}`)
  const fresh = path.join(apps.tempDir('conc-watch'), 'fresh.json')
  await apps.webpackBuild(apps.webpackConfig(dir, { plugins: [new SecretgatePlugin({ report: fresh })] }))
  assert.deepEqual(norm(rounds[rounds.length - 1]), norm(reportOf(fresh)))
})

test('Vite watch: after rebuilds that add and remove keys, the findings equal a fresh build', async () => {
  const dir = viteKeyApp()
  const report = path.join(apps.tempDir('conc-vite-watch'), 'w.json')
  const { build } = await import('vite')
  const secretgate = require(path.join(apps.ROOT, 'npm', 'vite.js'))
  const watcher = await build({
    root: dir,
    configFile: false,
    logLevel: 'silent',
    build: { outDir: path.join(dir, 'dist'), emptyOutDir: true, watch: {} },
    plugins: [secretgate({ report, rules: WARN })],
  })
  const later = fakeKeys.sendgridKey()
  const steps = [
    () => fs.writeFileSync(path.join(dir, 'src/settings.js'), `export const settings = { sendgridApiKey: "${later}" }\n`),
    () => fs.writeFileSync(path.join(dir, 'src/settings.js'), 'export const settings = { none: "plain" }\n'),
  ]
  const rounds = []
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`vite watch: only ${rounds.length} builds in 90 s`)), 90000)
      watcher.on('event', (e) => {
        if (e.result && typeof e.result.close === 'function') e.result.close()
        if (e.code === 'ERROR') return reject(e.error)
        if (e.code !== 'END') return
        rounds.push(JSON.parse(fs.readFileSync(report, 'utf8')).findings)
        const step = steps.shift()
        if (step) setTimeout(step, 300)
        else {
          clearTimeout(timer)
          resolve()
        }
      })
    })
  } finally {
    await watcher.close()
  }
  assert.equal(rounds.length, 3)
  assert.ok(rounds[0].some((f) => f.ruleId === 'stripe-secret-key'))
  assert.ok(rounds[1].some((f) => f.ruleId === 'sendgrid-api-key') && !rounds[1].some((f) => f.ruleId === 'stripe-secret-key'), JSON.stringify(rounds.map((r) => r.map((f) => f.ruleId))))
  const fresh = await viteReport(dir)
  assert.deepEqual(norm(rounds[2]), norm(fresh.findings))
})
