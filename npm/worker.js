'use strict'
// One scanning thread of the CLI's pool. It loads the core itself (its own WebAssembly instance,
// so threads never share wasm memory), reads each file it is given, and answers with the file's
// findings and notes: deploy checks, binary sniffing, precompressed assets, source-map linking,
// then the core's scan.
const fs = require('node:fs')
const path = require('node:path')
const zlib = require('node:zlib')
const { parentPort, workerData } = require('node:worker_threads')
const { isBinary, kindOf, extensionOf } = require('./walk.js')
const { resolveSourceMap, normalizeSourcePath } = require('./sourcemap-link.js')
const { checkDeployFile } = require('./deploy-check.js')
const { makeScanner } = require('./gate.js')
const { presetWasmModule } = require('./wasm-module.js')

const { roots: givenRoots, cwd, rules = {}, showSecrets = false, knownSecrets = [], wasmModule } = workerData || {}
presetWasmModule(wasmModule)
const MAX_DECOMPRESSED = 256 * 1024 * 1024
const MAX_FILE = 512 * 1024 * 1024
/** Files under this size (as walked) are read in one go. */
const WHOLE_READ = 1024 * 1024

let scanner
try {
  // the gate's Scanner: rule overrides the core does not know (deploy-* in the CLI, env-* in the
  // plugins) are not passed to it
  scanner = makeScanner({ rules, knownSecrets })
  parentPort.postMessage({ type: 'ready' })
} catch (err) {
  parentPort.postMessage({ type: 'init-error', message: firstLine(err) })
}

function firstLine(err) {
  return String((err && err.message) || err).split('\n')[0].slice(0, 300)
}

// Test-only fault injection (SECRETGATE_TEST_WORKER_FAULT=exit:<name> | internal:<name>): lets the
// suite prove that a dying worker or a trapping core turns into "could not judge", never a pass.
function injectedFault(name) {
  const spec = process.env.SECRETGATE_TEST_WORKER_FAULT
  if (!spec) return
  const [mode, target] = spec.split(':')
  if (target !== name) return
  if (mode === 'exit') process.exit(70)
  if (mode === 'internal') throw Object.assign(new Error(`secretgate internal error while scanning ${name} (injected)`), { code: 'SECRETGATE_INTERNAL' })
  if (mode === 'overflow') { const f = (n) => f(n + 1) + 1; f(0) }
}

/** Precompressed assets (`app.js.gz`, `app.js.br`) are deployed too: scan what they hold. */
function decompress(buf, ext) {
  const opts = { maxOutputLength: MAX_DECOMPRESSED }
  return ext === 'gz' ? zlib.gunzipSync(buf, opts) : zlib.brotliDecompressSync(buf, opts)
}

/** The first bytes of a file, enough to sniff binary content without reading a whole video. */
function readHead(file, n = 8192) {
  const fd = fs.openSync(file, 'r')
  try {
    const head = Buffer.alloc(n)
    const got = fs.readSync(fd, head, 0, n, 0)
    return head.subarray(0, got)
  } finally {
    fs.closeSync(fd)
  }
}

function scanFile(task) {
  const started = Date.now()
  const name = path.basename(task.path)
  const notes = []
  const ext = extensionOf(name)
  const compressed = (ext === 'gz' || ext === 'br') && name.length > 3
  const binaryResult = (bytes) => {
    const findings = checkDeployFile({ file: task.display, rel: task.rel, name, text: null })
    notes.push({ file: task.display, code: 'binary', message: 'binary file, not scanned for secrets' })
    return { findings, notes, stats: { bytes, ms: Date.now() - started }, binary: true }
  }
  // fail closed rather than skip: a file this big is reported as not judged
  const tooLarge = (size) => ({ error: { file: task.display, code: 'too-large', message: `too large to scan (${Math.round(size / 1048576)} MiB, limit ${MAX_FILE / 1048576} MiB)` } })
  let buf
  try {
    // most files are small: read them whole at once (binary ones are sniffed below); a big one
    // is sniffed from its head first, so a video is never read to be skipped
    if (!(task.size < WHOLE_READ)) {
      if (!compressed && isBinary(name, readHead(task.path))) return binaryResult(task.size || 0)
      const size = fs.statSync(task.path).size
      if (size > MAX_FILE) return tooLarge(size)
    }
    buf = fs.readFileSync(task.path)
    if (buf.length > MAX_FILE) return tooLarge(buf.length)
  } catch (err) {
    return { error: { file: task.display, code: 'io', message: `cannot read file (${err.code || firstLine(err)})` } }
  }
  let innerName = name
  if (compressed) {
    try {
      buf = decompress(buf, ext)
      innerName = name.slice(0, -(ext.length + 1))
    } catch {
      // not really compressed text: judge the bytes as they are
    }
  }
  if (isBinary(innerName, buf.subarray(0, 8192))) return binaryResult(buf.length)
  const kind = kindOf(innerName)
  let link = null
  if (kind === 'js' || kind === 'css') {
    // the scanned roots come with each file: the pool starts before the folders are walked
    const roots = task.roots || givenRoots || []
    link = resolveSourceMap({ file: task.path, text: buf, kind, roots, display: task.display, lazy: true })
    if (link.note) notes.push(link.note)
  }

  injectedFault(name)
  const options = { file: task.display, kind }
  if (showSecrets) options.showSecrets = true
  let mapDir = path.dirname(task.path)
  const withMap = (map) => {
    if (map.note) notes.push(map.note)
    if (!map.mapText) return false
    options.sourceMap = map.mapText
    if (map.mapFile) mapDir = path.dirname(map.mapFile)
    return true
  }
  if (link && link.mapText) withMap(link)
  let report = scanner.scan(buf, options)
  // A map only places findings (and carries ignore comments for them): read it, and scan again
  // with it, only for a bundle that has some. Most bundles have none, and reading, checking and
  // passing their maps was a fifth of a corpus scan.
  if (report.findings.length && link && link.read && withMap(link.read())) report = scanner.scan(buf, options)
  const findings = checkDeployFile({
    file: task.display, rel: task.rel, name, text: () => buf.toString('utf8'), serverSource: report.serverSource,
    normalizeSource: (s) => normalizeSourcePath(s, { mapDir: path.dirname(task.path), cwd }),
  })
  for (const f of report.findings) {
    if (f.original && f.original.file) f.original = { ...f.original, file: normalizeSourcePath(f.original.file, { mapDir, cwd }) }
    findings.push(f)
  }
  for (const n of report.notes) notes.push(n)
  return {
    findings,
    notes,
    stats: { bytes: buf.length, strings: (report.stats && report.stats.strings) || 0, ms: Date.now() - started },
    binary: false,
  }
}

parentPort.on('message', (msg) => {
  if (!msg || msg.type !== 'scan') return
  if (!scanner) return // init failed: the pool already knows
  let result
  let fatal = false
  try {
    result = scanFile(msg.task)
  } catch (err) {
    // SECRETGATE_INTERNAL (the core trapped) or anything unexpected: fail closed for this file,
    // and let the pool replace this thread rather than trust its state
    fatal = true
    const internal = err && err.code === 'SECRETGATE_INTERNAL'
    result = {
      error: {
        file: msg.task.display,
        code: internal ? 'internal' : 'scan-failed',
        message: internal ? `the scanner failed on this file (${firstLine(err)})` : `scan failed (${firstLine(err)})`,
      },
    }
  }
  parentPort.postMessage({ type: 'result', id: msg.id, result, fatal })
})
