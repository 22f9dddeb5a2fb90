'use strict'
// Report formats shared by every front end: human (terminal blocks with masked code frames),
// json (the data), SARIF 2.1.0 (GitHub code scanning) and GitHub workflow annotations.
// No format prints a raw secret unless the user asked for it: findings carry a redacted `secret`,
// and code frames mask the span of every finding before any byte of source reaches the output.
// Only a finding carrying `rawSecret` (the core sets it for `showSecrets`, which the CLI refuses
// under CI without `--force`) shows its value, in every format; the frames stay masked.
const { pathToFileURL } = require('node:url')
const path = require('node:path')
const { severityRank, failsAt } = require('./config.js')

const SEVERITIES = ['error', 'warning', 'info']

// ---------------------------------------------------------------------------------------------
// shared helpers

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Sort findings the one way every format shows them: file, position, rule, fingerprint. */
function compareFindings(a, b) {
  return cmp(a.file, b.file) || a.start - b.start || a.line - b.line || a.column - b.column ||
    cmp(a.ruleId, b.ruleId) || cmp(String(a.fingerprint), String(b.fingerprint))
}

function counts(result) {
  const c = { error: 0, warning: 0, info: 0, suppressed: 0, total: 0, failing: 0 }
  const failOn = result.failOn || 'error'
  for (const f of result.findings || []) {
    c.total++
    if (f.suppressed) { c.suppressed++; continue }
    if (c[f.severity] !== undefined) c[f.severity]++
    if (failsAt(f, failOn)) c.failing++
  }
  return c
}

function plural(n, word, many = word + 's') {
  return `${n} ${n === 1 ? word : many}`
}

/** One line: what was found, what was suppressed, what could not be judged. */
function summaryLine(result) {
  const c = counts(result)
  const stats = result.stats || {}
  const parts = []
  if (c.total - c.suppressed === 0) parts.push('no findings')
  else parts.push([plural(c.error, 'error'), plural(c.warning, 'warning'), `${c.info} info`].join(', '))
  if (c.suppressed) parts.push(`${c.suppressed} suppressed`)
  let line = `secretgate: ${parts.join(', ')}`
  if (typeof stats.files === 'number') line += ` in ${plural(stats.files, 'file')}`
  const errors = (result.errors || []).length
  if (errors) line += `; ${plural(errors, 'file')} could not be judged`
  if (typeof stats.ms === 'number') line += ` (${Math.round(stats.ms)} ms)`
  return line
}

function isPlainRelative(p) {
  return typeof p === 'string' && p !== '' && !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(p) && !path.isAbsolute(p) &&
    !p.startsWith('../')
}

/** The other copies of a grouped finding's secret (npm/group.js), without the one it shows. */
function otherLocations(f) {
  if (!Array.isArray(f.locations)) return []
  return f.locations.filter((l) => !(l.file === f.file && l.line === f.line && l.column === f.column))
}

/** The value a format shows for a finding: the raw one when the user asked for it, else redacted. */
function shownSecret(f) {
  return typeof f.rawSecret === 'string' && f.rawSecret !== '' ? f.rawSecret : f.secret
}

/**
 * A raw value on one terminal line: control characters (a PEM key's newlines, an escape sequence in
 * a scanned file) written as `\n`, `\x1b`, `\u202e`, so they neither break the block nor drive the
 * terminal.
 */
function escapeControls(s) {
  return String(s).replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\\]/g, (ch) => {
    if (ch === '\\') return '\\\\'
    if (ch === '\n') return '\\n'
    if (ch === '\r') return '\\r'
    if (ch === '\t') return '\\t'
    const code = ch.charCodeAt(0)
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
  })
}

/** The location to show first: the original source when the map gave a usable one. */
function primaryLocation(f) {
  const o = f.original
  if (o && isPlainRelative(o.file) && o.line > 0) {
    return { file: o.file, line: o.line, column: o.column || 1, endLine: null, endColumn: null, original: true }
  }
  return { file: f.file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, original: false }
}

// ---------------------------------------------------------------------------------------------
// human

const ANSI = { reset: '\x1b[0m', bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', yellow: '\x1b[33m', cyan: '\x1b[36m', green: '\x1b[32m', magenta: '\x1b[35m' }

function painter(color) {
  const p = (codes, s) => (color ? codes.map((c) => ANSI[c]).join('') + s + ANSI.reset : s)
  return {
    sev: (sev, s) => p(sev === 'error' ? ['bold', 'red'] : sev === 'warning' ? ['bold', 'yellow'] : ['bold', 'cyan'], s),
    bold: (s) => p(['bold'], s),
    dim: (s) => p(['dim'], s),
    green: (s) => p(['green'], s),
    magenta: (s) => p(['magenta'], s),
  }
}

// Terminal control characters in a scanned file must not reach the terminal.
function sanitize(s) {
  return s.replace(/\t/g, ' ').replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '\ufffd')
}

const FRAME_WIDTH = 100
const FRAME_MAX_LINES = 6

/**
 * A small code frame around a finding with the span of every finding in `fileFindings` masked
 * by `*`. Returns null (no frame) whenever the offsets do not provably point at the secret: the
 * frame must never show an unmasked value because of a position mismatch.
 */
function codeFrame(source, finding, fileFindings, colors) {
  const buf = Buffer.isBuffer(source) ? source : Buffer.from(String(source), 'utf8')
  const { start, end } = finding
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start || end > buf.length) return null
  const prefix = String(finding.secret || '').split('\u2026')[0]
  if (prefix && !buf.subarray(start, Math.min(end, start + prefix.length * 4)).toString('utf8').startsWith(prefix)) return null

  const masks = []
  for (const f of fileFindings) {
    if (Number.isInteger(f.start) && Number.isInteger(f.end) && f.end > f.start && f.end <= buf.length) masks.push([f.start, f.end])
  }
  masks.push([start, end])
  masks.sort((a, b) => a[0] - b[0])

  // line boundaries (byte offsets) around the finding
  const lineStartOf = (pos) => buf.lastIndexOf(0x0a, pos - 1) + 1
  const lineEndOf = (pos) => { const i = buf.indexOf(0x0a, pos); return i === -1 ? buf.length : i }
  const firstLine = lineStartOf(start)
  const lastLineEnd = lineEndOf(Math.max(start, end - 1))
  const lines = []
  // the line before, the lines of the span, the line after
  if (firstLine > 0) {
    const prevStart = lineStartOf(firstLine - 1)
    lines.push({ s: prevStart, e: firstLine - 1, n: finding.line - 1 })
  }
  let n = finding.line
  for (let s = firstLine; s <= lastLineEnd && lines.length < FRAME_MAX_LINES; n++) {
    const e = lineEndOf(s)
    lines.push({ s, e, n, hit: s === firstLine })
    if (e >= buf.length) break
    s = e + 1
  }
  if (lastLineEnd < buf.length && lines.length < FRAME_MAX_LINES + 1) {
    lines.push({ s: lastLineEnd + 1, e: lineEndOf(lastLineEnd + 1), n })
  }

  const renderLine = (ls, le) => {
    // masked text of bytes [ls, le) and the UTF-16 column of the finding's start within it
    let out = ''
    let pos = ls
    let hitCol = -1
    let hitLen = 0
    for (const [ms, me] of masks) {
      if (me <= ls || ms >= le) continue
      const a = Math.max(ms, ls)
      const b = Math.min(me, le)
      if (a > pos) out += buf.subarray(pos, a).toString('utf8')
      if (b > pos) {
        const masked = buf.subarray(Math.max(a, pos), b).toString('utf8').replace(/\r$/, '')
        if (ms === start && hitCol < 0) { hitCol = out.length; hitLen = Math.max(1, masked.length) }
        out += '*'.repeat(masked.length)
        pos = b
      }
    }
    if (le > pos) out += buf.subarray(pos, le).toString('utf8')
    return { text: sanitize(out.replace(/\r$/, '')), hitCol, hitLen }
  }

  const width = String(lines[lines.length - 1].n).length
  const out = []
  // one horizontal window for all lines, centred on the secret (minified bundles have huge lines)
  let windowStart = 0
  for (const l of lines) {
    if (!l.hit) continue
    const { text, hitCol } = renderLine(l.s, l.e)
    if (text.length > FRAME_WIDTH) windowStart = Math.max(0, Math.min(hitCol - 30, text.length - FRAME_WIDTH))
  }
  for (const l of lines) {
    const { text, hitCol, hitLen } = renderLine(l.s, l.e)
    // a context line that ends before the window (beside a long minified line) shows nothing useful
    if (!l.hit && windowStart > 0 && text.length <= windowStart) continue
    let shown = text.slice(windowStart, windowStart + FRAME_WIDTH)
    if (windowStart > 0 && text.length > 0) shown = '\u2026' + shown
    if (text.length > windowStart + FRAME_WIDTH) shown += '\u2026'
    const gutter = String(l.n).padStart(width)
    out.push(`${l.hit ? colors.bold('>') : ' '} ${colors.dim(gutter + ' |')} ${shown}`)
    if (l.hit && hitCol >= 0) {
      const lead = hitCol - windowStart + (windowStart > 0 ? 1 : 0)
      const len = Math.min(hitLen, FRAME_WIDTH - (hitCol - windowStart))
      out.push(`  ${' '.repeat(width)} ${colors.dim('|')} ${' '.repeat(Math.max(0, lead))}${colors.sev(finding.severity, '^'.repeat(Math.max(1, len)))}`)
    }
  }
  return out.join('\n')
}

function formatHuman(result, { color = false, sources = null, quiet = false } = {}) {
  const c = painter(color)
  const findings = (result.findings || []).slice().sort(compareFindings)
  const out = []
  if (!quiet) {
    // every span to mask, per file: each finding (suppressed ones too) and every copy grouped
    // into a finding of another place, so no frame shows a secret found beside its own
    const byFile = new Map()
    const mask = (file, span) => {
      if (!byFile.has(file)) byFile.set(file, [])
      byFile.get(file).push(span)
    }
    for (const f of findings) {
      mask(f.file, f)
      for (const l of Array.isArray(f.locations) ? f.locations : []) if (l.file !== f.file || l.start !== f.start) mask(l.file, l)
    }
    for (const f of findings) {
      if (f.suppressed) continue
      const lines = []
      lines.push(`${c.sev(f.severity, f.severity)} ${c.bold(f.ruleId)}  ${f.message}`)
      lines.push(`  ${c.dim('at')} ${f.file}:${f.line}:${f.column}`)
      if (f.original && f.original.file) {
        lines.push(`  ${c.dim('from')} ${f.original.file}:${f.original.line}:${f.original.column}`)
      }
      const others = otherLocations(f)
      if (others.length) {
        const shown = others.slice(0, 5).map((l) => `${l.file}:${l.line}:${l.column}`)
        if (others.length > 5) shown.push(`and ${others.length - 5} more`)
        lines.push(`  ${c.dim('also at')} ${shown.join(', ')}`)
      }
      const details = []
      if (f.rawSecret) details.push(`secret ${c.magenta(escapeControls(f.rawSecret))}`)
      else if (f.secret) details.push(`secret ${c.magenta(f.secret)}`)
      if (f.envVar) details.push(`env ${f.envVar}`)
      if (f.context) details.push(`in ${f.context}`)
      if (f.call) details.push(`call ${f.call}`)
      if (details.length) lines.push(`  ${details.join(c.dim(' \u00b7 '))}`)
      const source = sources && sources.get(f.file)
      if (source != null) {
        const frame = codeFrame(source, f, byFile.get(f.file), c)
        if (frame) lines.push(frame)
      }
      out.push(lines.join('\n'))
    }
    const suppressed = findings.filter((f) => f.suppressed)
    if (suppressed.length) {
      out.push(c.dim(`suppressed (${suppressed.length}):`) + '\n' + suppressed.map((f) =>
        `  ${f.severity} ${f.ruleId} at ${f.file}:${f.line}:${f.column} ${c.dim(`(${f.suppressed.by || 'inline'}: ${f.suppressed.reason || 'no reason given'})`)}`).join('\n'))
    }
    const notes = (result.notes || []).filter((n) => n.code !== 'binary')
    const binary = (result.notes || []).length - notes.length
    if (notes.length || binary) {
      const noteLines = notes.map((n) => `  ${n.file ? n.file + ': ' : ''}${n.message} ${c.dim(`[${n.code}]`)}`)
      if (binary) noteLines.push(`  skipped ${plural(binary, 'binary file')} (images, fonts, wasm, archives)`)
      out.push(c.dim('notes:') + '\n' + noteLines.join('\n'))
    }
  }
  const errors = result.errors || []
  if (errors.length) {
    out.push(c.sev('error', 'could not judge:') + '\n' + errors.map((e) => `  ${e.file}: ${e.message}`).join('\n'))
  }
  const cnt = counts(result)
  const summary = summaryLine(result)
  out.push(cnt.failing || errors.length ? c.bold(summary) : c.green(summary))
  return out.join('\n\n') + '\n'
}

// ---------------------------------------------------------------------------------------------
// json

function formatJson(result) {
  const c = counts(result)
  const findings = (result.findings || []).slice().sort(compareFindings)
  return JSON.stringify({
    tool: { name: 'secretgate', version: result.version || null, core: result.coreVersion || null },
    summary: {
      errors: c.error, warnings: c.warning, infos: c.info, suppressed: c.suppressed,
      failOn: result.failOn || 'error', failing: c.failing, couldNotJudge: (result.errors || []).length,
    },
    findings,
    notes: result.notes || [],
    errors: result.errors || [],
    stats: result.stats || {},
  }, null, 2) + '\n'
}

// ---------------------------------------------------------------------------------------------
// SARIF 2.1.0

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note' }
const SECURITY_SEVERITY = { error: '8.0', warning: '5.0', info: '2.0' }

function artifactUri(file) {
  if (path.isAbsolute(file)) return pathToFileURL(file).href
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(file)) return file
  return encodeURI(file.replace(/\\/g, '/')).replace(/[?#]/g, encodeURIComponent)
}

function pascal(id) {
  return id.split(/[^a-zA-Z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('')
}

function ruleDescriptor(id, meta, sample) {
  const sev = (meta && (meta.severity || meta.defaultSeverity)) || (sample && sample.severity) || 'warning'
  const provider = (meta && meta.provider) || (sample && sample.provider) || ''
  const short = (meta && (meta.title || meta.name || meta.summary)) || (provider ? `${provider}: ${id}` : id)
  const full = (meta && (meta.description || meta.allows || meta.message)) || (sample && sample.message) || short
  const remedy = (meta && (meta.help || meta.remedy || meta.remediation)) ||
    'If it is a secret, remove it from the client bundle, rotate it, and keep it server-side; if it is meant to be public, allow it in secretgate.config.json with a reason.'
  const help = `${short}${provider && provider !== 'secretgate' ? ` (${provider})` : ''}. ${full}\n\n${remedy}\n\nSee docs/rules.md#${id}.`
  const tags = ['security', 'secret']
  if (meta && meta.kind && !tags.includes(meta.kind)) tags.push(meta.kind)
  return {
    id,
    name: pascal(id),
    shortDescription: { text: String(short) },
    fullDescription: { text: String(full) },
    help: { text: String(help), markdown: String(help) },
    defaultConfiguration: { level: SARIF_LEVEL[sev] || 'warning' },
    properties: { tags, precision: 'high', 'security-severity': SECURITY_SEVERITY[sev] || '5.0' },
  }
}

function sarifLocation(file, region, message) {
  const loc = { physicalLocation: { artifactLocation: { uri: artifactUri(file) } } }
  if (region && region.startLine > 0) {
    const r = { startLine: region.startLine }
    if (region.startColumn > 0) r.startColumn = region.startColumn
    if (region.endLine > 0) r.endLine = region.endLine
    if (region.endColumn > 0 && (region.endLine > region.startLine || region.endColumn > (region.startColumn || 0))) r.endColumn = region.endColumn
    loc.physicalLocation.region = r
  }
  if (message) loc.message = { text: message }
  return loc
}

function formatSarif(result) {
  const findings = (result.findings || []).slice().sort(compareFindings)
  const metaById = new Map((result.rules || []).map((r) => [r.id || r.ruleId, r]))
  const ids = [...new Set(findings.map((f) => f.ruleId))].sort()
  const rules = ids.map((id) => ruleDescriptor(id, metaById.get(id), findings.find((f) => f.ruleId === id)))
  const index = new Map(ids.map((id, i) => [id, i]))

  const results = findings.map((f) => {
    const bundle = { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn }
    const primary = primaryLocation(f)
    const r = {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId),
      level: SARIF_LEVEL[f.severity] || 'warning',
      message: { text: shownSecret(f) ? `${f.message} (${shownSecret(f)})` : f.message },
      locations: [],
      partialFingerprints: { 'secretgate/v1': String(f.fingerprint) },
      properties: { provider: f.provider, kind: f.kind, secret: f.secret, context: f.context, call: f.call, envVar: f.envVar },
    }
    if (f.rawSecret) r.properties.rawSecret = f.rawSecret
    if (primary.original) {
      r.locations.push(sarifLocation(primary.file, { startLine: primary.line, startColumn: primary.column }))
      r.relatedLocations = [{ id: 1, ...sarifLocation(f.file, bundle, 'where it ships (bundle location)') }]
    } else {
      r.locations.push(sarifLocation(f.file, bundle))
      if (f.original && f.original.file) {
        r.relatedLocations = [{ id: 1, ...sarifLocation(f.original.file, { startLine: f.original.line, startColumn: f.original.column }, 'original source') }]
      }
    }
    // the same secret elsewhere in the output (grouped duplicates): each copy must go
    const others = otherLocations(f)
    if (others.length) {
      r.relatedLocations = r.relatedLocations || []
      for (const l of others) {
        r.relatedLocations.push({ id: r.relatedLocations.length + 1, ...sarifLocation(l.file, { startLine: l.line, startColumn: l.column }, 'the same secret, also shipped here') })
      }
    }
    if (f.suppressed) {
      r.suppressions = [{
        kind: f.suppressed.by === 'inline' ? 'inSource' : 'external',
        status: 'accepted',
        justification: f.suppressed.reason || `suppressed (${f.suppressed.by || 'inline'})`,
      }]
    }
    return r
  })

  const notifications = []
  for (const e of result.errors || []) {
    notifications.push({
      level: 'error',
      message: { text: `could not judge ${e.file}: ${e.message}` },
      descriptor: { id: e.code || 'could-not-judge' },
      locations: e.file ? [sarifLocation(e.file)] : undefined,
    })
  }
  for (const n of result.notes || []) {
    notifications.push({
      level: 'note',
      message: { text: n.message },
      descriptor: { id: n.code || 'note' },
      locations: n.file ? [sarifLocation(n.file)] : undefined,
    })
  }
  for (const n of notifications) if (!n.locations) delete n.locations

  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'secretgate',
          ...(result.version ? { version: String(result.version), semanticVersion: String(result.version) } : {}),
          rules,
        },
      },
      invocations: [{ executionSuccessful: (result.errors || []).length === 0, toolExecutionNotifications: notifications }],
      columnKind: 'utf16CodeUnits',
      results,
    }],
  }
  return JSON.stringify(log, null, 2) + '\n'
}

// ---------------------------------------------------------------------------------------------
// GitHub workflow commands

function escapeData(s) {
  return String(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(s) {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

function githubCommand(command, props, message) {
  const p = Object.entries(props).filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(v)}`).join(',')
  return `::${command}${p ? ' ' + p : ''}::${escapeData(message)}`
}

const GITHUB_COMMAND = { error: 'error', warning: 'warning', info: 'notice' }

function formatGithub(result) {
  const findings = (result.findings || []).slice().sort(compareFindings)
  const out = []
  for (const f of findings) {
    if (f.suppressed) continue
    const loc = primaryLocation(f)
    // a zero-width span (a whole-file finding) has no useful end
    if (loc.endLine === loc.line && !(loc.endColumn > loc.column)) { loc.endLine = null; loc.endColumn = null }
    let message = f.message
    if (shownSecret(f)) message += ` (${shownSecret(f)})`
    if (loc.original) message += ` \u2014 ships in ${f.file}:${f.line}:${f.column}`
    out.push(githubCommand(GITHUB_COMMAND[f.severity] || 'warning', {
      file: loc.file, line: loc.line, col: loc.column, endLine: loc.endLine, endColumn: loc.endColumn,
      title: `secretgate ${f.ruleId}`,
    }, message))
  }
  for (const e of result.errors || []) {
    out.push(githubCommand('error', { file: e.file, title: 'secretgate could not judge this file' }, e.message))
  }
  for (const n of result.notes || []) {
    if (n.code === 'binary') continue
    out.push(githubCommand('notice', { file: n.file, title: `secretgate ${n.code}` }, n.message))
  }
  out.push(summaryLine(result))
  return out.join('\n') + '\n'
}

module.exports = {
  formatHuman,
  formatJson,
  formatSarif,
  formatGithub,
  summaryLine,
  codeFrame,
  compareFindings,
  shownSecret,
  escapeControls,
  counts,
  escapeData,
  escapeProperty,
  SEVERITIES,
  severityRank,
}
