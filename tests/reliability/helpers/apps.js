'use strict'
// Small apps for the reliability tests, written into temp folders at run time (fake keys go in
// there, never into the repository): a Vite app, a webpack app, a CLI output folder; in-process
// builds that record everything printed; the real CLI as a subprocess.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawn, spawnSync } = require('node:child_process')
const { Writable } = require('node:stream')

const ROOT = path.join(__dirname, '..', '..', '..')
const NODE_MODULES = path.join(ROOT, 'node_modules')
const CLI = path.join(ROOT, 'npm', 'cli.js')
const LOADER = path.join(ROOT, 'npm', 'webpack-loader.js')

const temps = []

function tempDir(label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `secretgate-rel-${label}-`))
  temps.push(dir)
  return dir
}

function cleanup() {
  for (const d of temps.splice(0)) {
    try {
      fs.rmSync(d, { recursive: true, force: true })
    } catch {}
  }
}

/** Writes `files` ({ rel: text | Buffer }) under `dir`. */
function writeTree(dir, files) {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel)
    fs.mkdirSync(path.dirname(abs), { recursive: true })
    fs.writeFileSync(abs, content)
  }
  return dir
}

/** Every file under `dir`, as { rel, bytes }. */
function readTree(dir) {
  const out = []
  const visit = (d) => {
    let entries = []
    try {
      entries = fs.readdirSync(d, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') visit(p)
      } else if (e.isFile()) out.push({ rel: path.relative(dir, p), bytes: fs.readFileSync(p) })
    }
  }
  visit(dir)
  return out
}

/** A Vite app: index.html importing src/main.js, plus `files`; node_modules linked in. */
function viteApp(files = {}) {
  const dir = tempDir('vite')
  writeTree(dir, {
    'index.html': '<!doctype html><html><head><title>t</title></head><body><div id="app"></div><script type="module" src="/src/main.js"></script></body></html>\n',
    'src/main.js': "import { settings } from './settings.js'\ndocument.getElementById('app').textContent = JSON.stringify(settings)\n",
    'src/settings.js': "export const settings = { title: 'plain' }\n",
    ...files,
  })
  fs.symlinkSync(NODE_MODULES, path.join(dir, 'node_modules'), 'dir')
  return dir
}

/** Vite build in-process; everything Vite and the plugin print is recorded. */
async function viteBuild(dir, { plugin = {}, plugins = [], config = {}, vite = 'vite' } = {}) {
  const { build, createLogger } = await import(vite)
  const secretgate = require(path.join(ROOT, 'npm', 'vite.js'))
  const lines = []
  const logger = createLogger('info', { allowClearScreen: false })
  for (const level of ['info', 'warn', 'warnOnce', 'error']) logger[level] = (msg) => {
    lines.push(`[${level}] ${String(msg)}`)
  }
  logger.clearScreen = () => {}
  const outDir = path.join(dir, 'dist')
  const { build: buildConfig = {}, ...rest } = config
  let error = null
  let output = null
  // Vite and the plugin may also write straight to the console: record that too.
  const consoleLines = []
  const saved = {}
  for (const m of ['log', 'info', 'warn', 'error', 'debug']) {
    saved[m] = console[m]
    console[m] = (...a) => {
      consoleLines.push(a.map(String).join(" "))
    }
  }
  try {
    output = await build({
      root: dir,
      configFile: false,
      logLevel: 'info',
      customLogger: logger,
      ...rest,
      build: { outDir, emptyOutDir: true, sourcemap: true, ...buildConfig },
      plugins: [secretgate(plugin), ...plugins],
    })
  } catch (err) {
    error = err
  } finally {
    for (const m of Object.keys(saved)) console[m] = saved[m]
  }
  const errorText = error ? [error.message, error.stack, ...(Array.isArray(error.errors) ? error.errors.map((e) => `${e.message}\n${e.stack || ''}`) : []), error.frame || '', error.loc ? JSON.stringify(error.loc) : ''].join('\n') : ''
  return { error, errorText, logs: [...lines, ...consoleLines].join('\n'), outDir, output }
}

/** A webpack app: src/index.js plus `files`. */
function webpackApp(files = {}) {
  const dir = tempDir('webpack')
  writeTree(dir, { 'src/index.js': "import { settings } from './settings.js'\nconsole.log(settings)\n", 'src/settings.js': "export const settings = { title: 'plain' }\n", ...files })
  return dir
}

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

function webpackConfig(context, overrides = {}) {
  const { output, ...rest } = overrides
  return {
    mode: 'production',
    context,
    entry: './src/index.js',
    devtool: 'source-map',
    output: { path: tempDir('wp-out'), filename: '[name].js', ...output },
    resolve: { modules: ['node_modules', NODE_MODULES] },
    resolveLoader: { modules: ['node_modules', NODE_MODULES] },
    performance: { hints: false },
    ...rest,
  }
}

/** Run a webpack (multi-)config to the end; { err, stats, log, printed (everything a user sees) }. */
function webpackBuild(config, bundler = require('webpack')) {
  const capture = logCapture()
  for (const c of Array.isArray(config) ? config : [config]) {
    c.infrastructureLogging = { level: 'verbose', debug: /secretgate/i, stream: capture.stream, colors: false, appendOnly: true }
  }
  return new Promise((resolve) => {
    let compiler
    try {
      compiler = bundler(config)
    } catch (err) {
      resolve({ err, stats: null, log: capture.text(), printed: String(err && err.stack) })
      return
    }
    compiler.run((err, stats) => {
      compiler.close((closeErr) => {
        const parts = [capture.text()]
        if (stats) {
          parts.push(stats.toString({ all: true, source: false, colors: false }))
          parts.push(stats.toString('errors-warnings'))
          parts.push(JSON.stringify(stats.toJson({ all: true, source: false, logging: 'verbose', loggingDebug: [/secretgate/] })))
        }
        if (err || closeErr) parts.push(String((err || closeErr).stack))
        resolve({ err: err || closeErr, stats, log: capture.text(), printed: parts.join('\n') })
      })
    })
  })
}

/** The errors (or warnings) a webpack Stats holds, children included, as messages. */
function webpackProblems(stats, kind = 'errors') {
  const json = stats.toJson({ all: false, errors: true, warnings: true, children: true, errorDetails: true })
  return [...(json[kind] || []), ...(json.children || []).flatMap((c) => c[kind] || [])].map((e) => e.message)
}

/** The environment the CLI runs in: nothing from CI, colours or the test runner. */
function cliEnv(extra = {}) {
  const env = { ...process.env }
  for (const k of ['CI', 'NO_COLOR', 'FORCE_COLOR', 'GITHUB_ACTIONS', 'NODE_TEST_CONTEXT', 'NODE_OPTIONS', 'SECRETGATE_TEST_WORKER_FAULT', 'SECRETGATE_TEST_GATE_FAULT']) delete env[k]
  return { ...env, ...extra }
}

/** The real CLI, synchronously: { code, stdout, stderr }. `nodeArgs` go before the script (-r …). */
function runCli(args, { cwd, env = {}, nodeArgs = [], timeout = 300000 } = {}) {
  const r = spawnSync(process.execPath, [...nodeArgs, CLI, ...args], { cwd, env: cliEnv(env), encoding: 'utf8', timeout, maxBuffer: 512 * 1024 * 1024 })
  if (r.error) throw r.error
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }
}

/** The real CLI, asynchronously (several at once, or measuring it). */
function runCliAsync(args, { cwd, env = {}, nodeArgs = [] } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], { cwd, env: cliEnv(env) })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, pid: child.pid }))
  })
}

module.exports = {
  ROOT, NODE_MODULES, CLI, LOADER, tempDir, cleanup, writeTree, readTree,
  viteApp, viteBuild, webpackApp, webpackConfig, webpackBuild, webpackProblems, cliEnv, runCli, runCliAsync,
}
