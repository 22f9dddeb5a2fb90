'use strict'
// Links a bundle to its source map so findings can name the original file, line and column:
// the last `sourceMappingURL` comment (JS `//# …`, CSS `/*# … */`), a map file beside the bundle or
// an inline `data:` URL. A map is read only from inside the scanned roots: a bundle saying
// `sourceMappingURL=/etc/passwd` or `../../secret` must not make us read (and report on) that file.
const fs = require('node:fs')
const path = require('node:path')
const { fileURLToPath } = require('node:url')

const MAX_MAP_BYTES = 256 * 1024 * 1024

/**
 * The URL of the last sourceMappingURL comment in `text` (string or Buffer), or null. `kind` is
 * 'js' or 'css' (CSS only allows the block-comment form).
 */
function findSourceMappingURL(text, kind = 'js') {
  // A Buffer is searched as it is and only the bytes around each candidate are decoded: the
  // comment is ASCII, and decoding a whole bundle to look at its last line cost more than the
  // search.
  const bytes = Buffer.isBuffer(text)
  const s = bytes ? text : String(text)
  const slice = bytes ? (a, b) => s.toString('utf8', a, Math.min(b, s.length)) : (a, b) => s.slice(a, b)
  const needle = 'sourceMappingURL='
  let at = s.length
  while ((at = s.lastIndexOf(needle, at - 1)) !== -1) {
    // the comment opener must come right before, with `#` (or the legacy `@`) and one space/tab
    const head = slice(Math.max(0, at - 4), at)
    const m = /(\/\/|\/\*)[#@][ \t]$/.exec(head)
    if (m && (kind !== 'css' || m[1] === '/*')) {
      const rest = slice(at + needle.length, at + needle.length + 16 * 1024 * 1024)
      const url = /^[^\s'"`*]+/.exec(rest)
      if (url && (m[1] === '//' || /^[^\s'"`*]+\s*\*\//.test(rest))) {
        // a JS line comment must be the end of its line (not `"//# sourceMappingURL=" + x`)
        if (m[1] === '//' && !/^[^\s'"`*]+[ \t]*(\r?\n|$)/.test(rest)) { if (at === 0) break; continue }
        return url[0]
      }
    }
    if (at === 0) break
  }
  return null
}

function decodeDataUrl(url) {
  const comma = url.indexOf(',')
  if (comma === -1) throw new Error('malformed data: URL')
  const meta = url.slice(5, comma).toLowerCase()
  const body = url.slice(comma + 1)
  if (!/^application\/json\b|^text\/plain\b|^$/.test(meta.split(';')[0]) && !meta.startsWith(';')) {
    throw new Error(`unsupported data: URL type ${meta.split(';')[0]}`)
  }
  if (meta.split(';').includes('base64')) return Buffer.from(body, 'base64').toString('utf8')
  return decodeURIComponent(body)
}

function isInside(real, roots) {
  return roots.some((r) => real === r || real.startsWith(r.endsWith(path.sep) ? r : r + path.sep))
}

function note(file, code, message) {
  return { file, code, message }
}

/**
 * Find and read the map of the bundle at `file` (absolute) whose content is `text`.
 * `roots`: real paths of the scanned roots. `display`: the bundle's path as shown in notes.
 * Returns { mapText, mapFile, inline, note }: mapText null when no usable map (note says why,
 * except when the bundle simply has none). With `lazy`, a map file found on disk comes back
 * unread, as { mapText: null, mapFile, read }, where read() returns what the eager call would
 * have (the text, or null and a note).
 */
function resolveSourceMap({ file, text, kind = 'js', roots, display = file, lazy = false }) {
  // the CLI reads a bundle's map only when the bundle has findings to place
  const readMap = lazy ? deferredMap : readMapNow
  const url = findSourceMappingURL(text, kind)
  const none = (n) => ({ mapText: null, mapFile: null, inline: false, note: n })
  if (!url) {
    // hidden-source-map style: no comment, but `bundle.js.map` deployed beside it
    const beside = file + '.map'
    try {
      // most bundles have none: ask without the cost of a thrown ENOENT per file
      if (!fs.statSync(beside, { throwIfNoEntry: false })) return none(null)
      const real = fs.realpathSync(beside)
      if (isInside(real, roots) && fs.statSync(real).isFile()) return readMap(real, beside, display)
    } catch {}
    return none(null)
  }
  if (/^data:/i.test(url)) {
    try {
      const mapText = decodeDataUrl(url)
      JSON.parse(mapText)
      return { mapText, mapFile: null, inline: true, note: null }
    } catch (err) {
      return none(note(display, 'sourcemap-invalid', `inline source map cannot be read (${err.message}); locations are in the bundle`))
    }
  }
  let target
  if (/^file:/i.test(url)) {
    try {
      target = fileURLToPath(url)
    } catch {
      return none(note(display, 'sourcemap-invalid', 'malformed file: sourceMappingURL; locations are in the bundle'))
    }
  } else if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(url) || url.startsWith('//')) {
    return none(note(display, 'sourcemap-remote', `source map at a remote URL is not fetched; locations are in the bundle`))
  } else {
    let decoded
    try {
      decoded = decodeURIComponent(url.replace(/[?#].*$/, ''))
    } catch {
      decoded = url.replace(/[?#].*$/, '')
    }
    target = path.resolve(path.dirname(file), decoded)
  }
  let real
  try {
    real = fs.realpathSync(target)
  } catch {
    // say nothing of where it points if it is outside: only that it is not there
    const inside = isInside(path.resolve(target), roots)
    return none(note(display, 'sourcemap-missing', inside
      ? `source map ${path.basename(target)} not found; locations are in the bundle`
      : 'sourceMappingURL points outside the scanned folders, not followed; locations are in the bundle'))
  }
  if (!isInside(real, roots)) {
    return none(note(display, 'sourcemap-outside-root', 'sourceMappingURL points outside the scanned folders, not followed; locations are in the bundle'))
  }
  return readMap(real, target, display)
}

function deferredMap(real, shownPath, display) {
  return { mapText: null, mapFile: real, inline: false, note: null, read: () => readMapNow(real, shownPath, display) }
}

function readMapNow(real, shownPath, display) {
  try {
    const st = fs.statSync(real)
    if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' })
    if (st.size > MAX_MAP_BYTES) throw Object.assign(new Error('too large'), { code: 'EFBIG' })
    const mapText = fs.readFileSync(real, 'utf8')
    JSON.parse(mapText)
    return { mapText, mapFile: real, inline: false, note: null }
  } catch (err) {
    const why = err instanceof SyntaxError ? 'is not valid JSON' : `cannot be read (${err.code || err.message})`
    return { mapText: null, mapFile: null, inline: false, note: note(display, 'sourcemap-invalid', `source map ${path.basename(shownPath)} ${why}; locations are in the bundle`) }
  }
}

/**
 * Turn a map's `sources` entry (as the core reports it in `original.file`) into a path relative to
 * `cwd` where possible: `webpack://app/./src/x.js` → `src/x.js` (webpack paths are relative to its
 * context, usually the project root = cwd), `../../src/x.js` is resolved against the map's folder.
 * Anything else (`vite/`, `\0virtual:`…) is returned unchanged.
 */
function normalizeSourcePath(source, { mapDir, cwd = process.cwd() }) {
  if (typeof source !== 'string' || source === '') return source
  let s = source
  const webpack = /^webpack:\/\/[^/]*\/(.*)$/.exec(s)
  if (webpack) {
    s = webpack[1].replace(/\?.*$/, '')
    if (s.startsWith('/')) return relativeOrAbsolute(s, cwd)
    while (s.startsWith('./')) s = s.slice(2)
    return s
  }
  if (/^file:\/\//i.test(s)) {
    try {
      return relativeOrAbsolute(fileURLToPath(s), cwd)
    } catch {
      return source
    }
  }
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s) || s.startsWith('\0')) return source
  const abs = path.isAbsolute(s) ? s : path.resolve(mapDir, s)
  return relativeOrAbsolute(abs, cwd)
}

function relativeOrAbsolute(abs, cwd) {
  const rel = path.relative(cwd, abs)
  const shown = !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs
  return shown.split(path.sep).join('/')
}

module.exports = { findSourceMappingURL, resolveSourceMap, normalizeSourcePath, decodeDataUrl }
