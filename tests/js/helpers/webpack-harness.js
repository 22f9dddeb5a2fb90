'use strict'
// Helpers for the webpack/Rspack tests: copy a fixture app into a temp folder (so a test can write a
// fake key into it), run a real build through the Node API with the infrastructure log captured,
// and look for a secret in everything the build wrote or printed.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { Writable } = require('node:stream')

const ROOT = path.resolve(__dirname, '..', '..', '..')
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'webpack')
const NODE_MODULES = path.join(ROOT, 'node_modules')
const LOADER = path.join(ROOT, 'npm', 'webpack-loader.js')
const SecretgatePlugin = require(path.join(ROOT, 'npm', 'webpack.js'))

const tempDirs = []

function tempDir(label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `secretgate-webpack-${label}-`))
  tempDirs.push(dir)
  return dir
}

function cleanupTempDirs() {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
}

/** A temp copy of tests/fixtures/webpack/<name>, with `files` ({ 'src/a.js': text }) written in. */
function fixtureCopy(name, files = {}) {
  const dir = tempDir(name)
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true })
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true })
    fs.writeFileSync(path.join(dir, rel), text)
  }
  return dir
}

/**
 * Date every file under `dir` a minute back. webpack's watcher treats a file modified just before
 * the first build as possibly changed during it and rebuilds at once; tests that count rebuilds
 * call this after writing their fixture.
 */
function settle(dir) {
  const past = new Date(Date.now() - 60_000)
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      fs.utimesSync(p, past, past)
    }
  }
  walk(dir)
  fs.utimesSync(dir, past, past)
}

/** A stream collecting what the infrastructure logger prints (the plugin's summary goes there). */
function logCapture() {
  const chunks = []
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk))
      cb()
    },
  })
  stream.isTTY = false
  return { stream, text: () => chunks.join('') }
}

/**
 * A webpack config for a fixture app: entry src/index.js, output into a fresh temp folder, modules
 * and loaders resolved from the repository's node_modules (the app itself lives in /tmp).
 */
function baseConfig(context, overrides = {}) {
  const outDir = overrides.output && overrides.output.path ? overrides.output.path : tempDir('out')
  const { output, resolve, resolveLoader, ...rest } = overrides
  return {
    mode: 'production',
    context,
    entry: './src/index.js',
    devtool: false,
    output: { path: outDir, filename: '[name].js', ...output },
    resolve: { modules: ['node_modules', NODE_MODULES], ...resolve },
    resolveLoader: { modules: ['node_modules', NODE_MODULES], ...resolveLoader },
    performance: { hints: false },
    ...rest,
  }
}

/** Run one compiler (or a MultiCompiler) to the end, closing it; resolves { err, stats, log }. */
function runBuild(bundler, config) {
  const capture = logCapture()
  const configs = Array.isArray(config) ? config : [config]
  for (const c of configs) {
    c.infrastructureLogging = { level: 'info', stream: capture.stream, colors: false, appendOnly: true, ...c.infrastructureLogging }
  }
  return new Promise((resolve) => {
    let compiler
    try {
      compiler = bundler(config)
    } catch (err) {
      resolve({ err, stats: null, log: capture.text() })
      return
    }
    compiler.run((err, stats) => {
      compiler.close((closeErr) => resolve({ err: err || closeErr, stats, log: capture.text() }))
    })
  })
}

/** Every file under `dir` (recursively) whose bytes contain `needle`; [] when dir does not exist. */
function filesHolding(dir, needle) {
  const hits = []
  const walk = (d) => {
    let entries
    try {
      entries = fs.readdirSync(d, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.isFile() && fs.readFileSync(p).includes(needle)) hits.push(p)
    }
  }
  walk(dir)
  return hits
}

function listFiles(dir) {
  const out = []
  const walk = (d) => {
    let entries
    try {
      entries = fs.readdirSync(d, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else out.push(path.relative(dir, p).split(path.sep).join('/'))
    }
  }
  walk(dir)
  return out.sort()
}

/** The secretgate errors (or warnings) of a Stats object, as stats JSON gives them. */
function gateProblems(stats, kind = 'errors') {
  const json = stats.toJson({ all: false, errors: true, warnings: true, errorDetails: true, children: true })
  const all = [...(json[kind] || []), ...(json.children || []).flatMap((c) => c[kind] || [])]
  return all.filter((e) => /secretgate/i.test(e.message))
}

/** Everything a user could see from a build: stats text and JSON (errors, warnings, logging), logs. */
function everythingPrinted(result) {
  const parts = [result.log]
  if (result.stats) {
    parts.push(result.stats.toString({ all: true, colors: false }))
    parts.push(JSON.stringify(result.stats.toJson({ all: true, source: false })))
  }
  if (result.err) parts.push(String(result.err.stack || result.err))
  return parts.join('\n')
}

function lineAndColumnOf(text, needle) {
  const index = text.indexOf(needle)
  if (index < 0) throw new Error(`fixture text does not contain ${needle}`)
  const before = text.slice(0, index).split('\n')
  return { line: before.length, column: before[before.length - 1].length + 1 }
}

module.exports = {
  ROOT,
  FIXTURES,
  NODE_MODULES,
  LOADER,
  SecretgatePlugin,
  tempDir,
  cleanupTempDirs,
  fixtureCopy,
  settle,
  baseConfig,
  runBuild,
  filesHolding,
  listFiles,
  gateProblems,
  everythingPrinted,
  lineAndColumnOf,
}
