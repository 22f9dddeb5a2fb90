'use strict'
// Folder walking for the CLI: every file under the given roots, in a stable order. Build output
// is usually git-ignored, so .gitignore is deliberately not read. Symlinks are followed only while
// they stay inside a scanned root (a link to /etc or ~/.ssh must not pull those into a report),
// loops are cut, and `.git/` folders are reported (they must never be deployed), not descended.
const fs = require('node:fs')
const path = require('node:path')
const { matchAny } = require('./glob.js')

/** Path as shown in reports: relative to cwd when inside it, absolute otherwise; `/` separators. */
function displayPath(abs, cwd) {
  const rel = path.relative(cwd, abs)
  const shown = rel === '' ? '.' : !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs
  return shown.split(path.sep).join('/')
}

function isInside(real, roots) {
  for (const r of roots) {
    if (real === r || real.startsWith(r.endsWith(path.sep) ? r : r + path.sep)) return true
  }
  return false
}

function toPosix(p) {
  return p.split(path.sep).join('/')
}

/**
 * Walk `roots` (files or folders). Options: `ignore` and `serverOutput` globs (matched against
 * the path relative to the root and relative to `configRoot`), `exclude` (absolute paths never to
 * list, e.g. the report being written), `cwd` for display paths.
 * Returns { files, gitDirs, notes, errors, stats: { ignored, serverOutput } }; throws an Error
 * with `code` when a root itself does not exist or cannot be read.
 */
function walk(roots, { ignore = [], serverOutput = [], configRoot = null, exclude = [], cwd = process.cwd() } = {}) {
  const files = []
  const gitDirs = []
  const notes = []
  const errors = []
  const stats = { ignored: 0, serverOutput: 0 }
  const excluded = new Set(exclude.map((p) => path.resolve(cwd, p)))
  const seenFiles = new Set()
  const visitedDirs = new Set()

  const resolvedRoots = roots.map((r) => {
    const abs = path.resolve(cwd, r)
    const real = fs.realpathSync(abs) // throws ENOENT / EACCES: the CLI's usage error
    return { abs, real, stat: fs.statSync(real) }
  })
  // a file given on its own brings its folder in, so the map beside `dist/app.js` can be read
  const realRoots = resolvedRoots.map((r) => (r.stat.isDirectory() ? r.real : path.dirname(r.real)))

  const anyGlobs = ignore.length > 0 || serverOutput.length > 0
  const skipByConfig = (abs, rel) => {
    if (!anyGlobs) return false
    const candidates = [rel]
    if (configRoot) {
      const fromConfig = path.relative(configRoot, abs)
      if (!fromConfig.startsWith('..') && !path.isAbsolute(fromConfig)) candidates.push(toPosix(fromConfig))
    }
    if (matchAny(ignore, candidates)) { stats.ignored++; return true }
    if (matchAny(serverOutput, candidates)) { stats.serverOutput++; return true }
    return false
  }

  const addFile = (abs, real, root, rel, size, shown = displayPath(abs, cwd)) => {
    if (excluded.has(abs) || excluded.has(real)) return
    if (seenFiles.has(real)) {
      notes.push({ file: shown, code: 'duplicate', message: `same file as one already scanned (through a symlink), not scanned twice` })
      return
    }
    seenFiles.add(real)
    files.push({ path: abs, real, display: shown, root: root.abs, rel, size })
  }

  for (const root of resolvedRoots) {
    if (!root.stat.isDirectory()) {
      if (root.stat.isFile()) addFile(root.abs, root.real, root, path.basename(root.abs), root.stat.size)
      else notes.push({ file: displayPath(root.abs, cwd), code: 'not-a-file', message: 'not a regular file or folder, skipped' })
      continue
    }
    if (visitedDirs.has(root.real)) continue
    visitedDirs.add(root.real)
    // an entry's shown path is the root's and its path below the root (as displayPath would
    // give it, without a path.relative per file); not when cwd is below the root: files there
    // show relative to it
    const rootShown = displayPath(root.abs, cwd)
    const fromRoot = path.relative(root.abs, path.resolve(cwd))
    const cwdBelowRoot = fromRoot !== '' && !fromRoot.startsWith('..') && !path.isAbsolute(fromRoot)
    const showBelow = cwdBelowRoot ? (rel) => displayPath(path.join(root.abs, rel), cwd)
      : rootShown === '.' ? (rel) => rel
        : rootShown.endsWith('/') ? (rel) => rootShown + rel : (rel) => `${rootShown}/${rel}`
    const stack = [{ abs: root.abs, rel: '' }]
    while (stack.length) {
      const dir = stack.pop()
      let entries
      try {
        entries = fs.readdirSync(dir.abs, { withFileTypes: true })
      } catch (err) {
        errors.push({ file: displayPath(dir.abs, cwd), code: 'io', message: `cannot read folder (${err.code || err.message})` })
        continue
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      const subdirs = []
      for (const entry of entries) {
        const abs = path.join(dir.abs, entry.name)
        const rel = dir.rel ? `${dir.rel}/${entry.name}` : entry.name
        const shown = showBelow(rel)
        let real = abs
        let stat
        if (entry.isSymbolicLink()) {
          try {
            real = fs.realpathSync(abs)
          } catch (err) {
            notes.push({ file: shown, code: 'symlink-broken', message: `symlink to a missing target, skipped (${err.code})` })
            continue
          }
          if (!isInside(real, realRoots)) {
            notes.push({ file: shown, code: 'symlink-outside-root', message: 'symlink pointing outside the scanned folders, not followed' })
            continue
          }
        }
        try {
          stat = fs.statSync(real)
        } catch (err) {
          errors.push({ file: shown, code: 'io', message: `cannot stat (${err.code || err.message})` })
          continue
        }
        if (stat.isDirectory()) {
          if (entry.name === '.git') {
            if (!skipByConfig(abs, rel)) gitDirs.push({ path: abs, display: shown, root: root.abs, rel })
            continue
          }
          if (skipByConfig(abs, rel)) continue
          if (visitedDirs.has(real)) {
            notes.push({ file: shown, code: 'symlink-loop', message: 'folder already visited (symlink loop or alias), not descended again' })
            continue
          }
          visitedDirs.add(real)
          subdirs.push({ abs, rel })
        } else if (stat.isFile()) {
          if (skipByConfig(abs, rel)) continue
          addFile(abs, real, root, rel, stat.size, shown)
        } else {
          notes.push({ file: shown, code: 'not-a-file', message: 'not a regular file (fifo, socket or device), skipped' })
        }
      }
      // depth-first, in name order: push in reverse so the first name is walked first
      for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i])
    }
  }
  const byDisplay = (a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0)
  files.sort(byDisplay)
  gitDirs.sort(byDisplay)
  return { files, gitDirs, notes, errors, stats, roots: realRoots }
}

// ---------------------------------------------------------------------------------------------
// binary detection

const BINARY_EXTENSIONS = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'ico', 'bmp', 'tif', 'tiff', 'heic', 'heif', 'psd', 'jxl', 'cur',
  'woff', 'woff2', 'ttf', 'otf', 'eot',
  'wasm', 'node', 'so', 'dll', 'dylib', 'exe', 'bin', 'o', 'a', 'class', 'jar', 'pyc',
  'mp3', 'mp4', 'm4a', 'm4v', 'webm', 'ogg', 'oga', 'ogv', 'wav', 'flac', 'aac', 'opus', 'mov', 'avi', 'mkv',
  'pdf', 'zip', 'tar', 'tgz', '7z', 'rar', 'xz', 'bz2', 'zst', 'lz4',
  'glb', 'ktx2', 'basis', 'dds', 'hdr', 'exr', 'pvr', 'splat', 'riv', 'onnx', 'tflite', 'pb',
  'sqlite', 'db', 'p12', 'pfx', 'jks', 'keystore', 'der', 'gpg',
])

// Magic numbers of binary formats that may arrive under another (or no) extension.
const MAGIC = [
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x47, 0x49, 0x46, 0x38], // GIF
  [0x00, 0x61, 0x73, 0x6d], // wasm
  [0x77, 0x4f, 0x46, 0x46], [0x77, 0x4f, 0x46, 0x32], // woff, woff2
  [0x25, 0x50, 0x44, 0x46], // PDF
  [0x50, 0x4b, 0x03, 0x04], // zip
  [0x1f, 0x8b], // gzip
  [0x7f, 0x45, 0x4c, 0x46], // ELF
  [0x52, 0x49, 0x46, 0x46], // RIFF (webp, wav, avi)
  [0x00, 0x01, 0x00, 0x00, 0x00], // TrueType
  [0x4f, 0x54, 0x54, 0x4f], // OpenType
]

function extensionOf(name) {
  const base = name.split('/').pop()
  const dot = base.lastIndexOf('.')
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : ''
}

/**
 * Is this content binary? Known extension, a magic number, a NUL byte or mostly control bytes.
 * A file named as code or markup (`.js`, `.html`, `.json`, `.map`, ...) never is: whatever its
 * head holds (NUL padding, control bytes, another format's magic number), it ships as code, so it
 * is judged. The core scans any bytes (NULs, invalid UTF-8) and falls back to text when they do
 * not parse; skipping it would be exit 0 with a key inside.
 */
function isBinary(name, head) {
  if (BINARY_EXTENSIONS.has(extensionOf(name))) return true
  if (KIND_BY_EXTENSION[extensionOf(name)]) return false
  if (!head || head.length === 0) return false
  for (const magic of MAGIC) {
    if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) return true
  }
  // UTF-16 text (with a BOM) is text: the core decodes it.
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) return false
  const n = Math.min(head.length, 8192)
  let control = 0
  let nul = 0
  for (let i = 0; i < n; i++) {
    const b = head[i]
    if (b === 0) nul++
    else if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++
  }
  // Files not named as code: any NUL means binary.
  if (nul > 0) return true
  // Invalid UTF-8 alone is not binary (a Latin-1 text file must still be scanned).
  return control / n > 0.1
}

const KIND_BY_EXTENSION = {
  js: 'js', mjs: 'js', cjs: 'js', jsx: 'js', ts: 'js', tsx: 'js', mts: 'js', cts: 'js',
  html: 'html', htm: 'html', xhtml: 'html',
  css: 'css',
  json: 'json', webmanifest: 'json',
  map: 'sourcemap',
}

/** The core's input kind for a file name; anything unknown is scanned as text. */
function kindOf(name) {
  return KIND_BY_EXTENSION[extensionOf(name)] || 'text'
}

module.exports = { walk, isBinary, kindOf, extensionOf, displayPath, isInside, BINARY_EXTENSIONS }
