'use strict'
// Suppression shared by every front end: inline `secretgate-ignore` comments (marked by the core),
// the config's `allow` list, and a baseline file of accepted fingerprints. Suppressed findings are
// kept (counted, listed as suppressed with their reason) but never fail a build.
const fs = require('node:fs')
const path = require('node:path')
const { matchAny, matchGlob } = require('./glob.js')

const BASELINE_VERSION = 1

function baselineError(message, file) {
  const err = new Error(message)
  err.code = 'SECRETGATE_BASELINE'
  err.file = file
  return err
}

/** The fingerprints of a baseline given as readBaseline's result, an entry array or a Set. */
function baselineFingerprints(baseline) {
  if (!baseline) return null
  if (baseline instanceof Set) return baseline
  const entries = Array.isArray(baseline) ? baseline : baseline.entries || []
  return new Set(entries.map((e) => (typeof e === 'string' ? e : e.fingerprint).toLowerCase()))
}

// `dist/assets/a.js` (CLI), `assets/a.js` (plugins): a `file` glob written once must match both,
// so it is tried against the path and every trailing part of it.
function trailingParts(p) {
  if (!p) return []
  const parts = String(p).replace(/\\/g, '/').split('/')
  return parts.map((_, i) => parts.slice(i).join('/'))
}

function allowMatches(entry, finding) {
  if (entry.fingerprint) return entry.fingerprint === String(finding.fingerprint).toLowerCase()
  if (!matchGlob(entry.rule, finding.ruleId)) return false
  if (entry.file && !matchAny([entry.file], [...trailingParts(finding.file), ...trailingParts(finding.original && finding.original.file)])) return false
  if (entry.context && !(finding.context && matchGlob(entry.context, finding.context))) return false
  return true
}

/**
 * Returns new finding objects; a suppressed one gets `suppressed: { reason, by }` with `by` one of
 * 'inline' (set by the core from an ignore comment), 'allow' (config) or 'baseline'.
 */
function applySuppressions(findings, config = {}, { baseline } = {}) {
  const allow = (config && config.allow) || []
  const known = baselineFingerprints(baseline)
  const baselineName = baseline && baseline.file ? path.basename(baseline.file) : 'the baseline'
  return findings.map((f) => {
    if (f.suppressed) {
      return { ...f, suppressed: { reason: f.suppressed.reason || '', by: f.suppressed.by || 'inline' } }
    }
    const entry = allow.find((e) => allowMatches(e, f))
    if (entry) return { ...f, suppressed: { reason: entry.reason, by: 'allow' } }
    if (known && known.has(String(f.fingerprint).toLowerCase())) {
      return { ...f, suppressed: { reason: `accepted in ${baselineName}`, by: 'baseline' } }
    }
    return { ...f, suppressed: null }
  })
}

/** Read a baseline written by writeBaseline. Throws an Error with code SECRETGATE_BASELINE. */
function readBaseline(file) {
  let text
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    throw baselineError(`${file}: cannot read baseline (${err.code || err.message})`, file)
  }
  let data
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw baselineError(`${file}: baseline is not valid JSON (${err.message})`, file)
  }
  const entries = Array.isArray(data) ? data : data && data.entries
  if (!Array.isArray(entries)) throw baselineError(`${file}: baseline has no "entries" array`, file)
  entries.forEach((e, i) => {
    if (!e || typeof e.fingerprint !== 'string' || !/^[0-9a-fA-F]+$/.test(e.fingerprint)) {
      throw baselineError(`${file}: baseline entry ${i} has no hex "fingerprint"`, file)
    }
  })
  return { file, version: (data && data.version) || BASELINE_VERSION, entries }
}

/**
 * The baseline text for these findings: one entry per fingerprint and file, sorted, with only
 * the fingerprint, rule id, file and the redacted secret (never a value). Findings suppressed
 * inline or by `allow` are already accepted elsewhere and are left out.
 */
function baselineText(findings) {
  const seen = new Set()
  const entries = []
  for (const f of findings) {
    if (f.suppressed && f.suppressed.by !== 'baseline') continue
    const key = `${f.fingerprint}\0${f.file}`
    if (seen.has(key)) continue
    seen.add(key)
    entries.push({ fingerprint: String(f.fingerprint), ruleId: f.ruleId, file: f.file, secret: f.secret })
  }
  entries.sort((a, b) => cmp(a.file, b.file) || cmp(a.ruleId, b.ruleId) || cmp(a.fingerprint, b.fingerprint))
  return JSON.stringify({ version: BASELINE_VERSION, tool: 'secretgate', entries }, null, 2) + '\n'
}

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Write the baseline for `findings` to `file`; returns the number of entries. */
function writeBaseline(file, findings) {
  const text = baselineText(findings)
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  fs.writeFileSync(file, text)
  return JSON.parse(text).entries.length
}

/** Baseline entries whose fingerprint no current finding has (fixed since, or rotated away). */
function staleBaselineEntries(baseline, findings) {
  const entries = Array.isArray(baseline) ? baseline : (baseline && baseline.entries) || []
  const current = new Set(findings.map((f) => String(f.fingerprint).toLowerCase()))
  return entries.filter((e) => !current.has(String(e.fingerprint).toLowerCase()))
}

module.exports = { applySuppressions, readBaseline, writeBaseline, baselineText, staleBaselineEntries, BASELINE_VERSION }
