'use strict'
// The CLI and the bundler plugins must agree: on the same real build, `secretgate dist` reports
// the same findings (rule, file, position, original location, fingerprint, suppression) as the
// Vite plugin and the webpack plugin wrote into their report files.
const { test, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { fakeKeys } = require('./helpers/fake-keys.js')
const h = require('./helpers/cli-harness.js')

after(h.cleanupTempDirs)

// Both front ends read the app's secretgate.config.json; lowering the two rules to warnings
// lets the plugin finish the build (and write its assets) so the CLI can scan the same files.
const CONFIG = { rules: { 'stripe-secret-key': 'warning', 'github-token': 'warning' } }

function comparable(findings, fileOf = (f) => f) {
  return findings
    .map((f) => ({
      ruleId: f.ruleId, severity: f.severity, file: fileOf(f.file), line: f.line, column: f.column,
      endLine: f.endLine, endColumn: f.endColumn, secret: f.secret, fingerprint: f.fingerprint,
      original: f.original, suppressed: f.suppressed,
    }))
    .sort((a, b) => (a.file + a.line + ':' + a.column < b.file + b.line + ':' + b.column ? -1 : 1))
}

test('Vite: the plugin and the CLI report the same findings on the same build', async () => {
  const stripe = fakeKeys.stripeSecret()
  const github = fakeKeys.githubToken()
  const app = h.fixtureCopy('vite-app', { __STRIPE_SECRET__: stripe, __GITHUB_TOKEN__: github })
  fs.writeFileSync(path.join(app, 'secretgate.config.json'), JSON.stringify(CONFIG))
  const { build } = await import('vite')
  const secretgate = require(path.join(h.ROOT, 'npm', 'vite.js'))
  const reportFile = path.join(app, 'plugin-report.json')
  await build({
    root: app, configFile: false, logLevel: 'silent',
    plugins: [(secretgate.default || secretgate)({ report: reportFile })],
    build: { outDir: path.join(app, 'dist'), sourcemap: true },
  })
  const plugin = JSON.parse(fs.readFileSync(reportFile, 'utf8'))
  fs.rmSync(reportFile)
  const r = h.runCli(['dist', '--format', 'json'], { cwd: app })
  assert.equal(r.code, 0, r.stderr)
  const cli = h.parseJson(r)
  // a key in the bundle and in its map is one finding with two locations (npm/group.js)
  const copies = (list) => list.reduce((n, f) => n + (f.locations || [f]).length, 0)
  assert.ok(copies(cli.findings) >= 4, 'the bundle and its map, each with two keys')
  // the plugin names output files as the CLI does when run from the project root
  const toCli = (f) => (f.startsWith('dist/') ? f : `dist/${f}`)
  assert.deepEqual(comparable(cli.findings), comparable(plugin.findings, toCli))
})

test('webpack: the plugin and the CLI report the same findings on the same build', async () => {
  const github = fakeKeys.githubToken()
  const app = h.fixtureCopy('webpack-app', { __GITHUB_TOKEN__: github })
  fs.writeFileSync(path.join(app, 'secretgate.config.json'), JSON.stringify(CONFIG))
  const webpack = require('webpack')
  const SecretgatePlugin = require(path.join(h.ROOT, 'npm', 'webpack.js'))
  const reportFile = path.join(app, 'plugin-report.json')
  await new Promise((resolve, reject) => {
    webpack({
      mode: 'production', context: app, entry: './src/index.js', devtool: 'source-map',
      output: { path: path.join(app, 'dist'), filename: 'main.js' },
      plugins: [new SecretgatePlugin({ report: reportFile })],
      infrastructureLogging: { level: 'none' }, stats: 'none',
    }, (err, stats) => (err ? reject(err) : stats.hasErrors() ? reject(new Error(stats.toString())) : resolve()))
  })
  const plugin = JSON.parse(fs.readFileSync(reportFile, 'utf8'))
  fs.rmSync(reportFile)
  const r = h.runCli(['dist', '--format', 'json'], { cwd: app })
  assert.equal(r.code, 0, r.stderr)
  const cli = h.parseJson(r)
  assert.ok(cli.findings.reduce((n, f) => n + (f.locations || [f]).length, 0) >= 2, 'the bundle and its map')
  const toCli = (f) => (f.startsWith('dist/') ? f : `dist/${f}`)
  assert.deepEqual(comparable(cli.findings), comparable(plugin.findings, toCli))
})
