'use strict'
// A small dependency-free glob matcher shared by the CLI and the plugins (config `ignore`,
// `serverOutput`, `allow[].file`). Supports `**`, `*`, `?`, `[...]` and `{a,b}`; paths use `/`.
//
// Semantics, chosen to read like .gitignore because that is what users expect of `ignore`:
// - a pattern without a `/` (other than a trailing one) matches at any depth: `*.map` is `**/*.map`;
// - a pattern with a `/` is anchored at the base it is matched against; a leading `/` only anchors;
// - `a/**` also matches `a` itself, and `matchAny` treats a match on a parent folder as a match on
//   everything inside it (so `legacy` ignores `legacy/x.js`).

const cache = new Map()

/** Normalise a path for matching: forward slashes, no leading `./`, no trailing `/`. */
function normalizePath(p) {
  let s = String(p).replace(/\\/g, '/')
  while (s.startsWith('./')) s = s.slice(2)
  if (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1)
  return s
}

/** Expand `{a,b}` groups (nested allowed) into a list of brace-free patterns. */
function expandBraces(pattern) {
  let depth = 0
  let open = -1
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '\\') { i++; continue }
    if (c === '{') { if (depth++ === 0) open = i }
    else if (c === '}' && depth > 0 && --depth === 0) {
      const inner = pattern.slice(open + 1, i)
      const parts = splitTopLevel(inner)
      if (parts.length < 2) continue // `{a}` is taken literally, as in bash
      const pre = pattern.slice(0, open)
      const post = pattern.slice(i + 1)
      const out = []
      for (const part of parts) for (const e of expandBraces(pre + part + post)) out.push(e)
      return out
    }
  }
  return [pattern]
}

function splitTopLevel(s) {
  const parts = []
  let depth = 0
  let start = 0
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (c === '\\') { i++; continue }
    if (c === '{') depth++
    else if (c === '}') depth--
    else if (c === ',' && depth === 0) { parts.push(s.slice(start, i)); start = i + 1 }
  }
  parts.push(s.slice(start))
  return parts
}

function escapeRe(c) {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? '\\' + c : c
}

/** Translate one brace-free pattern into a regular expression source (without anchors). */
function translate(pattern) {
  let p = pattern.replace(/\\(?=[^*?[\]{}\\])/g, '') // a stray backslash escapes nothing
  if (p.endsWith('/')) p = p.slice(0, -1)
  let anchored = p.includes('/')
  if (p.startsWith('/')) p = p.slice(1)
  while (p.startsWith('./')) { p = p.slice(2); anchored = true }
  // `**/**` means the same as `**`
  const segments = p.split('/').filter((seg, i, all) => !(seg === '**' && all[i - 1] === '**'))
  let re = ''
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]
    const first = i === 0
    const last = i === segments.length - 1
    if (seg === '**') {
      // `**` spans zero or more whole segments
      if (first && last) re += '.*'
      else if (first) re += '(?:[^/]+/)*'
      else if (last) re += '(?:/.*)?'
      else re += '(?:/[^/]+)*'
      continue
    }
    if (!first && !(i === 1 && segments[0] === '**')) re += '/'
    re += translateSegment(seg)
  }
  if (!anchored) re = '(?:.*/)?' + re
  return re
}

function translateSegment(seg) {
  let re = ''
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]
    if (c === '\\' && i + 1 < seg.length) { re += escapeRe(seg[++i]); continue }
    if (c === '*') {
      while (seg[i + 1] === '*') i++
      re += '[^/]*'
    } else if (c === '?') {
      re += '[^/]'
    } else if (c === '[') {
      const close = seg.indexOf(']', i + 2)
      if (close === -1) { re += '\\['; continue }
      let body = seg.slice(i + 1, close)
      let neg = false
      if (body[0] === '!' || body[0] === '^') { neg = true; body = body.slice(1) }
      body = body.replace(/[\\\]^]/g, (m) => '\\' + m)
      re += (neg ? '[^/' : '[') + body + ']'
      i = close
    } else {
      re += escapeRe(c)
    }
  }
  return re
}

/** Compile a glob into an anchored RegExp (cached). */
function compileGlob(pattern) {
  let re = cache.get(pattern)
  if (re) return re
  const alternatives = expandBraces(String(pattern)).map(translate)
  re = new RegExp('^(?:' + alternatives.join('|') + ')$')
  if (cache.size > 1000) cache.clear()
  cache.set(pattern, re)
  return re
}

/** Does `pattern` match `path` exactly (no parent-folder rule)? */
function matchGlob(pattern, path) {
  return compileGlob(pattern).test(normalizePath(path))
}

/**
 * Does any of `patterns` match `path`, or a folder containing it? `paths` may be one path or
 * several spellings of the same file (relative to the output folder, to the project...).
 */
function matchAny(patterns, paths) {
  if (!patterns || patterns.length === 0) return false
  const list = Array.isArray(paths) ? paths : [paths]
  for (const raw of list) {
    if (raw == null) continue
    const p = normalizePath(raw)
    if (p === '' || p === '.') continue
    const parts = p.split('/')
    for (let n = parts.length; n >= 1; n--) {
      const candidate = parts.slice(0, n).join('/')
      for (const pattern of patterns) if (compileGlob(pattern).test(candidate)) return true
    }
  }
  return false
}

module.exports = { matchGlob, matchAny, compileGlob, normalizePath }
