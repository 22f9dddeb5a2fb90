'use strict'
// Never the leak: every front end (CLI, Vite build and dev server, webpack plugin and loader,
// webpack-cli) in every format (human, json, sarif, github, Vite error and overlay text, webpack
// stats text and JSON, infrastructure and debug logging, report files, baselines) runs over
// apps holding one planted fake secret of every kind, and no output holds a whole secret or any
// 12 characters of its random part. Each test counts what it inspected; positive controls
// (`--show-secrets` without CI, or forced) prove the leak detector sees a leak when there is one.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const zlib = require('node:zlib')
const { spawnSync } = require('node:child_process')
const apps = require('./helpers/apps.js')
const { plant, leaks, settingsModule } = require('./helpers/planted.js')
const { lineMap } = require('./helpers/seeds.js')
const { trapSource, PRELOAD } = require('./helpers/force-trap.js')

test.after(apps.cleanup)

let totalInspected = 0
test.after(() => {
  // The number the issue asks for: how many outputs the redaction check read.
  process.stdout.write(`redaction check: ${totalInspected} outputs inspected\n`)
})

/** Collects outputs and the leaks found in them. */
function inspector(planted) {
  const found = []
  let count = 0
  return {
    inspect(label, text) {
      count++
      totalInspected++
      const l = leaks(planted, String(text == null ? '' : text))
      if (l.length) found.push(`${label}: ${l.join(', ')}`)
    },
    inspectFile(label, file) {
      assert.ok(fs.existsSync(file), `${label}: ${file} was not written`)
      this.inspect(label, fs.readFileSync(file, 'utf8'))
    },
    get count() {
      return count
    },
    assertClean() {
      assert.deepEqual(found, [], `secrets leaked:\n${found.join('\n')}`)
    },
  }
}

/** Records what is written to stdout/stderr (and still lets it through) while `fn` runs. */
async function recordStdio(fn) {
  const chunks = []
  const saved = { out: process.stdout.write, err: process.stderr.write }
  const hook = (orig) =>
    function write(chunk, ...rest) {
      chunks.push(String(chunk))
      return orig.call(this, chunk, ...rest)
    }
  process.stdout.write = hook(saved.out)
  process.stderr.write = hook(saved.err)
  try {
    return { result: await fn(), stdio: () => chunks.join('') }
  } finally {
    process.stdout.write = saved.out
    process.stderr.write = saved.err
  }
}

function cliTree(p) {
  const dir = apps.tempDir('leak-cli')
  const mod = settingsModule(p)
  // A minified-looking bundle whose map carries the original module.
  const bundle = mod.replace(/\n\s*/g, ' ').replace('// secretgate-ignore demo key for the leak test', '') + '\n//# sourceMappingURL=app.js.map\n'
  const lines = bundle.split('\n').length
  apps.writeTree(dir, {
    'dist/assets/app.js': bundle,
    'dist/assets/app.js.map': lineMap(lines, ['webpack://app/./src/settings.js'], [mod]),
    'dist/index.html': `<!doctype html><html><head><meta name="api-key" content="${p.stripe}"></head><body><script>window.cfg={githubToken:"${p.github}"}</script></body></html>\n`,
    'dist/assets/style.css': `/* token ${p.slack} */ .a{color:red}\n`,
    'dist/config.json': JSON.stringify({ sendgridApiKey: p.sendgrid, supabaseKey: p.jwt, password: p.password }),
    'dist/.env': `STRIPE_SECRET_KEY=${p.stripe}\nDATABASE_URL=${p.dbUrl}\n`,
    'dist/assets/extra.js.gz': zlib.gzipSync(`const openai="${p.openai}";\n`),
    'dist/assets/key.pem': p.pem + '\n',
    'dist/trap-me.js': trapSource(p.npm),
  })
  return dir
}

function listing(dir) {
  return apps.readTree(dir).map((f) => f.rel).sort()
}

test('CLI: no format, output file, baseline or error message holds a secret', (t) => {
  const p = plant()
  const dir = cliTree(p)
  const ins = inspector(p)
  const nodeArgs = ['-r', PRELOAD]
  const run = (label, args, env = {}) => {
    const r = apps.runCli(args, { cwd: dir, nodeArgs, env: { DEBUG: '*', ...env } })
    ins.inspect(`${label} stdout`, r.stdout)
    ins.inspect(`${label} stderr`, r.stderr)
    return r
  }
  const before = listing(dir)
  const json = run('json', ['dist', '--format', 'json'])
  assert.equal(json.code, 2, 'trap-me.js could not be judged: exit 2')
  const report = JSON.parse(json.stdout)
  // Not vacuous: the planted secrets were found (redacted) across kinds and files.
  const rules = new Set(report.findings.map((f) => f.ruleId))
  for (const id of ['stripe-secret-key', 'github-token', 'slack-bot-token', 'sendgrid-api-key', 'private-key', 'deploy-env-file']) {
    assert.ok([...rules].some((r) => r.startsWith(id.split('-')[0])), `expected a ${id} finding: ${[...rules].join(', ')}`)
  }
  assert.ok(report.findings.length >= 12, `findings: ${report.findings.length}`)
  for (const [label, args] of [
    ['human', ['dist']],
    ['human color', ['dist', '--color']],
    ['human quiet', ['dist', '-q']],
    ['human 1 job', ['dist', '-j', '1']],
    ['sarif', ['dist', '--format', 'sarif']],
    ['github', ['dist', '--format', 'github']],
    ['fail-on info', ['dist', '--fail-on', 'info', '--format', 'json']],
  ]) run(label, args)
  const out = apps.tempDir('leak-cli-out')
  for (const fmt of ['human', 'json', 'sarif', 'github']) {
    const file = path.join(out, `report.${fmt}`)
    run(`--output ${fmt}`, ['dist', '--format', fmt, '--output', file])
    ins.inspectFile(`report file (${fmt})`, file)
  }
  const baseline = path.join(out, 'baseline.json')
  run('write-baseline', ['dist', '--write-baseline', baseline])
  ins.inspectFile('baseline file', baseline)
  run('with baseline', ['dist', '--baseline', baseline, '--format', 'json'])
  // GitHub Actions environment: annotations and the step summary, if any is written.
  const summary = path.join(out, 'step-summary.md')
  fs.writeFileSync(summary, '')
  run('github actions', ['dist', '--format', 'github'], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary })
  ins.inspectFile('GITHUB_STEP_SUMMARY', summary)
  // --show-secrets is refused under CI, and the refusal prints nothing secret.
  const refused = run('show-secrets under CI', ['dist', '--show-secrets'], { CI: 'true' })
  assert.equal(refused.code, 2)
  assert.match(refused.stderr, /refus/i)
  assert.deepEqual(listing(dir), before, 'the CLI wrote nothing into the scanned tree')
  ins.assertClean()

  // Positive controls: the only ways to print a value, and the detector sees them.
  const forced = apps.runCli(['dist', '--show-secrets', '--force', '--format', 'json'], { cwd: dir, nodeArgs, env: { CI: 'true' } })
  assert.ok(leaks(p, forced.stdout + forced.stderr).length > 0, '--show-secrets --force under CI prints values')
  const local = apps.runCli(['dist', '--show-secrets', '--format', 'json'], { cwd: dir, nodeArgs })
  assert.ok(leaks(p, local.stdout).length > 0, '--show-secrets prints values when not under CI')
  // Every format shows each value it was asked to show (it once was the json format only).
  const raw = JSON.parse(local.stdout).findings.filter((f) => !f.suppressed && f.rawSecret)
  assert.ok(raw.length >= 10, `findings with a raw value: ${raw.length}`)
  const { escapeControls, escapeData } = require(path.join(apps.ROOT, 'npm', 'report.js'))
  const shown = {
    human: (v) => escapeControls(v),
    sarif: (v) => JSON.stringify(v).slice(1, -1),
    github: (v) => escapeData(v),
  }
  for (const [fmt, as] of Object.entries(shown)) {
    for (const env of [{}, { CI: 'true' }]) {
      const args = ['dist', '--show-secrets', '--format', fmt, ...(env.CI ? ['--force'] : [])]
      const r = apps.runCli(args, { cwd: dir, nodeArgs, env })
      assert.ok(leaks(p, r.stdout).length > 0, `${args.join(' ')} prints values`)
      const missing = raw.filter((f) => !r.stdout.includes(as(f.rawSecret))).map((f) => `${f.ruleId} at ${f.file}:${f.line}`)
      assert.deepEqual(missing, [], `${args.join(' ')}: values not shown`)
    }
  }
  // --output: the file in the asked format and the human summary on stdout both show values
  const shownFile = path.join(out, 'shown.sarif')
  const withOutput = apps.runCli(['dist', '--show-secrets', '--format', 'sarif', '--output', shownFile], { cwd: dir, nodeArgs })
  assert.ok(leaks(p, fs.readFileSync(shownFile, 'utf8')).length > 0 && leaks(p, withOutput.stdout).length > 0, '--show-secrets --output shows values')
  t.diagnostic(`CLI outputs inspected: ${ins.count}`)
})

function viteFiles(p) {
  return {
    'src/settings.js': settingsModule(p),
    'src/main.js': "import { settings } from './settings.js'\nimport './style.css'\ndocument.getElementById('app').textContent = JSON.stringify(settings) + __TOKEN__\n",
    'src/style.css': `/* ${p.slack} */ #app { color: red }\n`,
    '.env': `SECRET_TOKEN=${p.envValue}\nSTRIPE_SECRET_KEY=${p.stripe}\n`,
    'index.html': `<!doctype html><html><head><meta name="api-key" content="${p.github}"></head><body><div id="app"></div><script type="module" src="/src/main.js"></script></body></html>\n`,
  }
}

test('Vite: build error text, logs, console, stdout/stderr, reports (json, sarif) and dev-server output hold no secret', async (t) => {
  const p = plant()
  const ins = inspector(p)
  const dir = apps.viteApp(viteFiles(p))
  const define = { __TOKEN__: JSON.stringify(p.envValue) }
  for (const [label, report] of [['json', 'report.json'], ['sarif', { format: 'sarif', file: 'report.sarif' }]]) {
    const { result: r, stdio } = await recordStdio(() => apps.viteBuild(dir, { plugin: { report }, config: { define } }))
    assert.ok(r.error, 'the build fails on the planted secrets')
    ins.inspect(`vite ${label} error text`, r.errorText)
    ins.inspect(`vite ${label} error JSON`, JSON.stringify(r.error, Object.getOwnPropertyNames(r.error)))
    ins.inspect(`vite ${label} logs`, r.logs)
    ins.inspect(`vite ${label} stdio`, stdio())
    const file = path.join(dir, typeof report === 'string' ? report : report.file)
    ins.inspectFile(`vite report (${label})`, file)
    if (label === 'json') {
      const rep = JSON.parse(fs.readFileSync(file, 'utf8'))
      const findings = rep.findings || (rep.results || []).flatMap((x) => x.findings || [])
      assert.ok(JSON.stringify(rep).includes('env-value'), 'the .env value planted through define is found')
      assert.ok(findings.length === 0 || findings.length >= 8, 'not vacuous')
    }
  }
  // publicDir is judged before the bundle (the build stops there): its own run.
  const pub = apps.viteApp({ 'public/config.json': JSON.stringify({ sendgridApiKey: p.sendgrid, password: p.password }) })
  const { result: pr, stdio: pstdio } = await recordStdio(() => apps.viteBuild(pub, { plugin: { report: 'report.json' } }))
  assert.ok(pr.error, 'a key in publicDir fails the build')
  ins.inspect('vite public error text', pr.errorText)
  ins.inspect('vite public logs', pr.logs)
  ins.inspect('vite public stdio', pstdio())
  ins.inspectFile('vite public report', path.join(pub, 'report.json'))
  // The overlay shows a build error's message, frame and stack in the browser: same text as above.
  // Dev server: transform the modules and the page like a browser request would.
  const { createServer, createLogger } = await import('vite')
  const secretgate = require(path.join(apps.ROOT, 'npm', 'vite.js'))
  const lines = []
  const logger = createLogger('info', { allowClearScreen: false })
  for (const level of ['info', 'warn', 'warnOnce', 'error']) {
    logger[level] = (msg) => {
      lines.push(String(msg))
    }
  }
  const { result: served, stdio } = await recordStdio(async () => {
    const server = await createServer({
      root: dir,
      configFile: false,
      customLogger: logger,
      define,
      cacheDir: apps.tempDir('vite-cache'),
      server: { middlewareMode: true, hmr: false, ws: false, watch: null },
      plugins: [secretgate()],
    })
    try {
      const sent = []
      if (server.ws && typeof server.ws.send === 'function') {
        const orig = server.ws.send.bind(server.ws)
        server.ws.send = (...a) => {
          sent.push(JSON.stringify(a))
          return orig(...a)
        }
      }
      const out = []
      for (const id of ['/src/settings.js', '/src/main.js', '/src/style.css']) {
        try {
          await server.transformRequest(id)
        } catch (e) {
          out.push(String(e && e.stack))
        }
      }
      try {
        out.push(await server.transformIndexHtml('/index.html', fs.readFileSync(path.join(dir, 'index.html'), 'utf8')))
      } catch (e) {
        out.push(String(e && e.stack))
      }
      const until = Date.now() + 5000
      while (Date.now() < until && !lines.some((l) => /secretgate/i.test(l))) await new Promise((r) => setTimeout(r, 50))
      return { errors: out.filter((x) => !x.includes('<html')).join('\n'), sent: sent.join('\n') }
    } finally {
      await server.close()
    }
  })
  assert.ok(lines.some((l) => /secretgate|github|stripe/i.test(l)), `the dev server warned: ${lines.join('\n').slice(0, 500)}`)
  ins.inspect('vite dev logs', lines.join('\n'))
  ins.inspect('vite dev errors', served.errors)
  ins.inspect('vite dev ws messages', served.sent)
  ins.inspect('vite dev stdio', stdio())
  ins.assertClean()
  t.diagnostic(`Vite outputs inspected: ${ins.count}`)
})

test('webpack plugin and loader: stats text and JSON, logs, reports (json, sarif) and webpack-cli output hold no secret', async (t) => {
  const SecretgatePlugin = require(path.join(apps.ROOT, 'npm', 'webpack.js'))
  const webpack = require('webpack')
  const p = plant()
  const ins = inspector(p)
  const dir = apps.webpackApp({
    'src/settings.js': settingsModule(p),
    'src/index.js': "import { settings } from './settings.js'\nconsole.log(settings, process.env.SECRET_TOKEN)\n",
    '.env': `SECRET_TOKEN=${p.envValue}\n`,
  })
  const loader = { test: /\.js$/, use: [{ loader: apps.LOADER }] }
  for (const [label, report] of [['json', 'report.json'], ['sarif', { format: 'sarif', file: 'report.sarif' }]]) {
    const config = apps.webpackConfig(dir, {
      module: { rules: [loader] },
      plugins: [new webpack.DefinePlugin({ 'process.env.SECRET_TOKEN': JSON.stringify(p.envValue) }), new SecretgatePlugin({ report })],
    })
    const { result: r, stdio } = await recordStdio(() => apps.webpackBuild(config))
    assert.ok(r.stats && r.stats.hasErrors(), 'the build fails on the planted secrets')
    assert.ok(apps.webpackProblems(r.stats).length >= 2, 'not vacuous')
    ins.inspect(`webpack ${label} printed (stats text, JSON, logs)`, r.printed)
    ins.inspect(`webpack ${label} stats errors-only`, r.stats.toString('errors-only'))
    ins.inspect(`webpack ${label} stats verbose`, r.stats.toString('verbose'))
    ins.inspect(`webpack ${label} stats detailed`, r.stats.toString({ preset: 'detailed', source: false }))
    ins.inspect(`webpack ${label} stdio`, stdio())
    ins.inspectFile(`webpack report (${label})`, path.join(dir, typeof report === 'string' ? report : report.file))
  }
  // webpack-cli as a user runs it, with --json stats.
  const cfgFile = path.join(dir, 'webpack.config.js')
  const statsFile = path.join(dir, 'stats.json')
  fs.writeFileSync(cfgFile, `
    const path = require('node:path')
    const SecretgatePlugin = require(${JSON.stringify(path.join(apps.ROOT, 'npm', 'webpack.js'))})
    module.exports = {
      mode: 'production', context: __dirname, entry: './src/index.js', devtool: 'source-map',
      output: { path: path.join(__dirname, 'out') },
      resolve: { modules: ['node_modules', ${JSON.stringify(apps.NODE_MODULES)}] },
      resolveLoader: { modules: ['node_modules', ${JSON.stringify(apps.NODE_MODULES)}] },
      module: { rules: [{ test: /\\.js$/, use: [${JSON.stringify(apps.LOADER)}] }] },
      plugins: [new SecretgatePlugin({ report: 'cli-report.json' })],
    }
  `)
  const cli = path.join(apps.NODE_MODULES, 'webpack-cli', 'bin', 'cli.js')
  for (const args of [['--config', cfgFile], ['--config', cfgFile, '--json', statsFile], ['--config', cfgFile, '--stats', 'verbose']]) {
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: apps.cliEnv({ DEBUG: '*' }), maxBuffer: 256 * 1024 * 1024 })
    assert.notEqual(r.status, 0, 'webpack-cli fails on the planted secrets')
    ins.inspect(`webpack-cli ${args.slice(2).join(' ')} stdout`, r.stdout)
    ins.inspect(`webpack-cli ${args.slice(2).join(' ')} stderr`, r.stderr)
  }
  ins.inspectFile('webpack-cli --json stats file', statsFile)
  ins.inspectFile('webpack-cli report', path.join(dir, 'cli-report.json'))
  ins.assertClean()
  t.diagnostic(`webpack outputs inspected: ${ins.count}`)
})
