'use strict'
// Groups duplicates: the same secret found by the same rule in several places of one output (a
// bundle and its source map, two chunks, an HTML page and its script) is one problem to fix, so
// it becomes one finding with several `locations`. The core's fingerprint (a hash of rule id and
// secret value) says which findings are the same secret; it never reveals the secret itself.

/**
 * Where one copy of the secret sits; with its byte span in that file when known, so a code frame
 * of another finding there masks this copy too.
 */
function locationOf(f) {
  const loc = { file: f.file, line: f.line, column: f.column, original: f.original || null }
  if (Number.isInteger(f.start) && Number.isInteger(f.end)) Object.assign(loc, { start: f.start, end: f.end })
  return loc
}

/**
 * One finding per secret: findings sharing a fingerprint (and suppression state, so that a copy
 * nobody suppressed is never hidden behind one that was) are merged into the first of them, which
 * keeps its own fields and gains `locations` listing every copy in order. Every finding returned
 * carries `locations`, with a single entry when it had no duplicate. The input order is kept.
 * @param {object[]} findings
 * @returns {object[]}
 */
function groupFindings(findings) {
  const out = []
  const byKey = new Map()
  for (const f of findings || []) {
    const key = f.fingerprint ? `${f.fingerprint}\u0000${f.suppressed ? 's' : 'u'}` : null
    const existing = key !== null ? byKey.get(key) : undefined
    if (existing) {
      // a finding grouped before (one per bundler environment) brings all its copies along
      const copies = Array.isArray(f.locations) && f.locations.length ? f.locations : [locationOf(f)]
      for (const loc of copies) {
        const seen = existing.locations.some((l) => l.file === loc.file && l.line === loc.line && l.column === loc.column)
        if (!seen) existing.locations.push({ ...loc })
      }
      continue
    }
    const prior = Array.isArray(f.locations) && f.locations.length ? f.locations.map((l) => ({ ...l })) : [locationOf(f)]
    const grouped = { ...f, locations: prior }
    if (key !== null) byKey.set(key, grouped)
    out.push(grouped)
  }
  return out
}

module.exports = { groupFindings }
