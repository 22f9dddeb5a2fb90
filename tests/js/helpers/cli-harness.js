'use strict'
// Helpers for the CLI tests: temp folders, running the real `secretgate` CLI as a subprocess,
// hand-made source maps (a tiny VLQ encoder), and the SARIF 2.1.0 schema validator.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync, spawn } = require('node:child_process')

const ROOT = path.resolve(__dirname, '..', '..', '..')
const CLI = path.join(ROOT, 'npm', 'cli.js')
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'cli')

const tempDirs = []

function tempDir(label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `secretgate-cli-${label}-`))
  tempDirs.push(dir)
  return dir
}

function cleanupTempDirs() {
  for (const dir of tempDirs.splice(0)) {
    try {
      fs.rmSync(dir, { recursive: true, force: true })
    } catch {}
  }
}

/** Write `files` ({ 'dist/a.js': text | Buffer }) under `dir`; returns dir. */
function writeTree(dir, files) {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel)
    fs.mkdirSync(path.dirname(abs), { recursive: true })
    fs.writeFileSync(abs, content)
  }
  return dir
}

/** A temp copy of tests/fixtures/cli/<name> with `replacements` ({ __PLACEHOLDER__: value }) applied. */
function fixtureCopy(name, replacements = {}) {
  const dir = tempDir(name)
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true })
  const visit = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name)
      if (e.isDirectory()) visit(abs)
      else if (e.isFile()) {
        let text = fs.readFileSync(abs, 'utf8')
        let changed = false
        for (const [k, v] of Object.entries(replacements)) {
          if (text.includes(k)) { text = text.split(k).join(v); changed = true }
        }
        if (changed) fs.writeFileSync(abs, text)
      }
    }
  }
  visit(dir)
  return dir
}

/** The environment the CLI runs in: no CI, no colours forced, nothing from the test runner. */
function cliEnv(extra = {}) {
  const env = { ...process.env }
  for (const k of ['CI', 'NO_COLOR', 'FORCE_COLOR', 'GITHUB_ACTIONS', 'SECRETGATE_TEST_WORKER_FAULT', 'NODE_TEST_CONTEXT', 'NODE_OPTIONS']) delete env[k]
  return { ...env, ...extra }
}

/** Run the real CLI; returns { code, stdout, stderr }. */
function runCli(args, { cwd, env = {}, uid, timeout = 120000, cli = CLI } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd, env: cliEnv(env), encoding: 'utf8', timeout, maxBuffer: 256 * 1024 * 1024,
    ...(uid !== undefined ? { uid, gid: uid } : {}),
  })
  if (r.error) throw r.error
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }
}

/** Async variant (for measuring or running several at once). */
function runCliAsync(args, { cwd, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: cliEnv(env) })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/**
 * A world-readable copy of the package (package.json + npm/), for running the CLI as another user:
 * the checkout itself may sit in a folder only its owner can enter. Returns the copy's cli.js.
 */
function worldReadableCli() {
  const dir = tempDir('pkg')
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'))
  fs.cpSync(path.join(ROOT, 'npm'), path.join(dir, 'npm'), { recursive: true })
  const open = (p) => {
    const st = fs.statSync(p)
    fs.chmodSync(p, st.isDirectory() ? 0o755 : 0o644)
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) open(path.join(p, e))
  }
  open(dir)
  return path.join(dir, 'npm', 'cli.js')
}

// ---------------------------------------------------------------------------------------------
// source maps by hand

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

function vlq(n) {
  let v = n < 0 ? (-n << 1) | 1 : n << 1
  let out = ''
  do {
    let digit = v & 31
    v >>>= 5
    if (v > 0) digit |= 32
    out += B64[digit]
  } while (v > 0)
  return out
}

/**
 * A v3 source map. `segments`: [genLine, genCol, sourceIndex, origLine, origCol] with 1-based
 * lines and 0-based columns, as a person reads them; sorted by generated position.
 */
function makeSourceMap({ file, sources, sourcesContent, segments, sourceRoot }) {
  const byLine = new Map()
  for (const s of segments) {
    if (!byLine.has(s[0])) byLine.set(s[0], [])
    byLine.get(s[0]).push(s)
  }
  const maxLine = Math.max(0, ...segments.map((s) => s[0]))
  let prevSrc = 0
  let prevOrigLine = 0
  let prevOrigCol = 0
  const lines = []
  for (let line = 1; line <= maxLine; line++) {
    let prevGenCol = 0
    const segs = (byLine.get(line) || []).sort((a, b) => a[1] - b[1]).map(([, genCol, src, origLine, origCol]) => {
      const out = vlq(genCol - prevGenCol) + vlq(src - prevSrc) + vlq(origLine - 1 - prevOrigLine) + vlq(origCol - prevOrigCol)
      prevGenCol = genCol
      prevSrc = src
      prevOrigLine = origLine - 1
      prevOrigCol = origCol
      return out
    })
    lines.push(segs.join(','))
  }
  const map = { version: 3, file, sources, names: [], mappings: lines.join(';') }
  if (sourceRoot !== undefined) map.sourceRoot = sourceRoot
  if (sourcesContent) map.sourcesContent = sourcesContent
  return JSON.stringify(map)
}

// ---------------------------------------------------------------------------------------------
// SARIF

let validator = null
/** An ajv validator for the SARIF 2.1.0 JSON schema (as shipped by @microsoft/jest-sarif). */
function sarifValidator() {
  if (validator) return validator
  const Ajv = require('ajv-draft-04')
  const addFormats = require('ajv-formats')
  // the official schema's `language` pattern is not valid under the `u` flag
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false })
  addFormats(ajv)
  validator = ajv.compile(require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'))
  return validator
}

/** Parse the json report; fails the test with the CLI's stderr if it is not JSON. */
function parseJson(r) {
  try {
    return JSON.parse(r.stdout)
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`)
  }
}

/** The redacted form's visible head: what may appear of a key in any output. */
function assertNoSecret(assert, text, secrets) {
  for (const s of secrets) assert.ok(!String(text).includes(s), `a raw secret leaked into the output: ${s.slice(0, 8)}…`)
}

module.exports = {
  ROOT, CLI, FIXTURES, tempDir, worldReadableCli, cleanupTempDirs, writeTree, fixtureCopy, runCli, runCliAsync, cliEnv,
  makeSourceMap, vlq, sarifValidator, parseJson, assertNoSecret,
}
