#!/usr/bin/env node
'use strict'
// Detection-quality benchmark (not a timed test): recall on a labeled set this script builds
// itself, and precision on real production bundles, for secretgate and, side by side, the
// scanners that install from the package registries here (secretlint with its recommended
// preset, detect-secrets, kingfisher). Prints tables; never prints a raw secret.
//
//   node scripts/bench-quality.js [--corpus DIR] [--keys-per-rule N] [--no-peers] [--no-install]
//                                 [--tools secretgate,kingfisher] [--keep DIR] [--json FILE]
//
// Peers: secretlint is installed on first use into <tmpdir>/secretgate-bench-peers (or named by
// SECRETLINT_BIN); detect-secrets and kingfisher are used when on PATH (pip install detect-secrets
// kingfisher-bin). Each peer scan is cut off after BENCH_PEER_TIMEOUT_MS (default 20 minutes).
//
// Recall: for every rule, fresh format-valid keys (bench/quality/keygen.js) planted in the shapes
// of bench/quality/shapes.js, one key per file. secretgate counts a key as found when a finding
// of the expected rule sits in its file ("right rule"), and also reports "any rule"; peers count
// any finding in the file. Near misses: per rule, a truncated key and a placeholder body (or the
// value under an unrelated name), which no finding of that rule may touch.
// Precision: findings on the real-bundle corpus (shared/corpus/make_negatives.sh) per 100 MB by
// severity, each listed with file, line, rule and redacted value so a person can judge it.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const root = path.join(__dirname, '..')
const { GENERATORS, generate } = require('../bench/quality/keygen.js')
const { plant, SHAPES } = require('../bench/quality/shapes.js')

const args = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = args.indexOf(name)
  return i === -1 ? dflt : args[i + 1]
}
const corpus = opt('--corpus', process.env.CORPUS ? path.join(process.env.CORPUS, 'negatives') : path.join(os.tmpdir(), 'secretgate-corpus', 'negatives'))
const keysPerRule = Number(opt('--keys-per-rule', '1'))
const withPeers = !args.includes('--no-peers')
const jsonOut = opt('--json', null)
const keepDir = opt('--keep', null)
const onlyTools = opt('--tools', null)

const cli = path.join(root, 'npm', 'cli.js')
const { run, secretlintTool, detectSecretsTool, kingfisherTool } = require('./peers.js')
const { dirBytes } = require('./measure.js')
const core = require(path.join(root, 'npm', 'index.js'))

function log(msg) {
  process.stderr.write(msg + '\n')
}

// ---------------------------------------------------------------------------------------------
// the labeled set

/** Writes the labeled set; returns the labels (file → { ruleId, shape, kind }). */
function buildLabeled(dir) {
  const labels = new Map()
  const missingGenerators = []
  const rules = core.rules().filter((r) => r.id !== 'env-value')
  for (const r of rules) {
    if (!GENERATORS[r.id]) {
      missingGenerators.push(r.id)
      continue
    }
    for (let k = 0; k < keysPerRule; k++) {
      const key = generate(r.id)
      for (const f of plant(key)) {
        const rel = path.join('pos', r.id, String(k), f.file)
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true })
        fs.writeFileSync(path.join(dir, rel), f.content)
        labels.set(rel, { ruleId: r.id, shape: f.shape, positive: true })
      }
      // near misses: what the rule must not report
      const near = nearMisses(r.id, key)
      near.forEach((n, i) => {
        const rel = path.join('neg', r.id, `${k}-${i}.js`)
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true })
        const content = n.name
          ? `export const settings = { ${JSON.stringify(n.name)}: ${JSON.stringify(n.value)} };\n`
          : `export const value = ${JSON.stringify(n.value)};\n`
        fs.writeFileSync(path.join(dir, rel), content)
        labels.set(rel, { ruleId: r.id, shape: 'near miss', positive: false })
      })
    }
  }
  return { labels, rules, missingGenerators }
}

function nearMisses(id, key) {
  const v = key.value
  // cut to a stub no format accepts: every rule wants more than twelve characters
  const cut = v.slice(0, Math.min(12, Math.max(4, Math.floor(v.length / 3))))
  const prefixLen = (v.match(/^[A-Za-z]{2,8}[_\-.]/) || [''])[0].length
  const placeholder = v.slice(0, prefixLen) + 'x'.repeat(Math.max(8, v.length - prefixLen))
  if (key.name) return [{ name: 'title', value: v }, { name: key.name, value: placeholder }]
  return [{ name: null, value: cut }, { name: null, value: placeholder }]
}

// ---------------------------------------------------------------------------------------------
// tools

/** secretgate through its CLI: [{ file (relative), ruleId, severity, line, secret }] */
function secretgate(dir) {
  const r = run(process.execPath, [cli, '.', '--format', 'json', '--fail-on', 'info', '--no-color'], { cwd: dir })
  if (r.status !== 0 && r.status !== 1) throw new Error(`secretgate failed: ${r.stderr}`)
  const report = JSON.parse(r.stdout)
  const out = []
  for (const f of report.findings) {
    for (const loc of f.locations || [{ file: f.file, line: f.line }]) {
      out.push({ file: loc.file, ruleId: f.ruleId, severity: f.severity, line: loc.line, secret: f.secret, suppressed: !!f.suppressed })
    }
  }
  return { findings: out, ms: r.ms }
}

// ---------------------------------------------------------------------------------------------
// scoring

function recall(labels, findings, { strict }) {
  const byFile = new Map()
  for (const f of findings) {
    if (!byFile.has(f.file)) byFile.set(f.file, [])
    byFile.get(f.file).push(f)
  }
  const perRule = new Map()
  const perShape = new Map(SHAPES.map((s) => [s, { found: 0, total: 0 }]))
  let found = 0
  let total = 0
  let nearFp = 0
  let nearTotal = 0
  const nearFps = []
  const misses = []
  for (const [file, l] of labels) {
    const hits = byFile.get(file) || []
    if (!l.positive) {
      nearTotal++
      if (hits.some((h) => (strict ? h.ruleId === l.ruleId : true))) {
        nearFp++
        nearFps.push(file)
      }
      continue
    }
    const ok = hits.some((h) => (strict ? h.ruleId === l.ruleId : true))
    total++
    if (ok) found++
    else misses.push({ ruleId: l.ruleId, shape: l.shape, file })
    const pr = perRule.get(l.ruleId) || { found: 0, total: 0, missed: new Set() }
    pr.total++
    if (ok) pr.found++
    else pr.missed.add(l.shape)
    perRule.set(l.ruleId, pr)
    const ps = perShape.get(l.shape)
    ps.total++
    if (ok) ps.found++
  }
  return { found, total, perRule, perShape, misses, nearFp, nearTotal, nearFps }
}

const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(1)}%` : 'n/a')

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)))
  return rows.map((r, j) => {
    const line = r.map((c, i) => String(c).padEnd(widths[i])).join('  ')
    return j === 0 ? line + '\n' + widths.map((w) => '-'.repeat(w)).join('  ') : line
  }).join('\n')
}

// ---------------------------------------------------------------------------------------------

function main() {
  const work = keepDir ? path.resolve(keepDir) : fs.mkdtempSync(path.join(os.tmpdir(), 'sg-quality-'))
  if (keepDir) fs.mkdirSync(work, { recursive: true })
  const out = { labeled: {}, corpus: {}, tools: [] }
  try {
    log('building the labeled set...')
    const { labels, rules, missingGenerators } = buildLabeled(work)
    const labeledBytes = dirBytes(work)
    const positives = [...labels.values()].filter((l) => l.positive).length
    log(`  ${rules.length} rules, ${positives} planted keys in ${SHAPES.length} shapes, ${labels.size - positives} near misses (${(labeledBytes / 1024).toFixed(0)} KiB)`)

    const haveCorpus = fs.existsSync(corpus)
    const corpusBytes = haveCorpus ? dirBytes(corpus) : 0
    if (!haveCorpus) log(`no corpus at ${corpus}: build it with CORPUS=... bash ../shared/corpus/make_negatives.sh (precision is skipped)`)

    const tools = [{ name: 'secretgate', scan: secretgate, ours: true }]
    if (withPeers) {
      for (const t of [secretlintTool({ install: !args.includes('--no-install') }), detectSecretsTool(), kingfisherTool()]) if (t) tools.push(t)
      const names = tools.map((t) => t.name)
      for (const [want, how] of [
        ['secretlint', 'npm install secretlint @secretlint/secretlint-rule-preset-recommend (or SECRETLINT_BIN=...)'],
        ['detect-secrets', 'pip install detect-secrets'],
        ['kingfisher', 'pip install kingfisher-bin'],
      ]) {
        if (!names.some((n) => n.startsWith(want))) log(`  ${want} not installed (${how}): left out`)
      }
    }

    if (onlyTools) {
      const keep = onlyTools.split(',')
      for (let i = tools.length - 1; i >= 0; i--) if (!keep.some((k) => tools[i].name.startsWith(k))) tools.splice(i, 1)
    }
    const summary = []
    let ours = null
    for (const t of tools) {
      log(`${t.name}: labeled set...`)
      const lab = t.scan(work)
      let corpusRes = null
      if (haveCorpus) {
        log(`${t.name}: corpus (${(corpusBytes / 1e6).toFixed(0)} MB)...`)
        corpusRes = t.scan(corpus)
      }
      const row = { name: t.name, lab, corpus: corpusRes }
      if (lab.findings) {
        row.any = recall(labels, lab.findings, { strict: false })
        if (t.ours) row.strict = recall(labels, lab.findings, { strict: true })
      }
      if (t.ours) ours = row
      summary.push(row)
    }

    const per100 = (n) => (corpusBytes ? ((n * 100e6) / corpusBytes).toFixed(2) : 'n/a')
    const sevCounts = (fs) => {
      const c = { error: 0, warning: 0, info: 0 }
      for (const f of fs) if (!f.suppressed && c[f.severity] !== undefined) c[f.severity]++
      return c
    }

    // ---- per rule (secretgate, right rule)
    const perRuleRows = [['rule', 'recall', 'missed shapes']]
    const weak = []
    for (const r of rules) {
      const pr = ours.strict.perRule.get(r.id)
      if (!pr) continue
      if (pr.found < pr.total) {
        perRuleRows.push([r.id, pct(pr.found, pr.total), [...pr.missed].join(', ')])
        if (pr.found / pr.total < 0.9) weak.push(r.id)
      }
    }
    console.log('\n## secretgate recall per rule (rules below 100% only)\n')
    console.log(perRuleRows.length > 1 ? table(perRuleRows) : 'every rule found in every shape')
    const rulesFull = rules.filter((r) => {
      const pr = ours.strict.perRule.get(r.id)
      return pr && pr.found === pr.total
    }).length
    console.log(`\n${rulesFull} of ${ours.strict.perRule.size} rules at 100%; rules under 90%: ${weak.length ? weak.join(', ') : 'none'}`)
    if (missingGenerators.length) console.log(`rules without a key generator (not measured): ${missingGenerators.join(', ')}`)

    console.log('\n## recall per shape\n')
    const shapeRows = [['shape', ...summary.map((s) => s.name)]]
    for (const sh of SHAPES) {
      shapeRows.push([sh, ...summary.map((s) => (s.any ? pct(s.any.perShape.get(sh).found, s.any.perShape.get(sh).total) : '-'))])
    }
    console.log(table(shapeRows))

    // ---- corpus findings, each listed
    if (haveCorpus) {
      console.log(`\n## findings on the real-bundle corpus (${corpus}, ${(corpusBytes / 1e6).toFixed(1)} MB)\n`)
      for (const s of summary) {
        const c = s.corpus
        if (!c || !c.findings) {
          console.log(`${s.name}: ${c && c.timedOut ? 'timed out' : `failed (${c && c.error})`}`)
          continue
        }
        console.log(`${s.name}: ${c.findings.length} findings`)
        const shown = c.findings.slice(0, 60)
        for (const f of shown) {
          console.log(`  ${f.severity ? f.severity.padEnd(7) + ' ' : ''}${f.ruleId}  ${f.file}:${f.line}${f.secret ? '  ' + f.secret : ''}`)
        }
        if (c.findings.length > shown.length) console.log(`  ... and ${c.findings.length - shown.length} more`)
      }
    }

    // ---- the table
    console.log('\n## summary\n')
    const rows = [['tool', 'recall (any rule)', 'recall (right rule)', 'near-miss FPs', 'corpus: error / warning / info', 'corpus per 100 MB', 'time (labeled + corpus)']]
    for (const s of summary) {
      const c = s.corpus
      let corpusCell = 'n/a'
      let perCell = 'n/a'
      if (c && c.findings) {
        if (s.name === 'secretgate') {
          const k = sevCounts(c.findings)
          corpusCell = `${k.error} / ${k.warning} / ${k.info}`
          perCell = `${per100(k.error)} / ${per100(k.warning)} / ${per100(k.info)}`
        } else {
          corpusCell = `${c.findings.length} (no severities)`
          perCell = per100(c.findings.length)
        }
      } else if (c) corpusCell = c.timedOut ? 'timed out' : 'failed'
      rows.push([
        s.name,
        s.any ? `${pct(s.any.found, s.any.total)} (${s.any.found}/${s.any.total})` : 'failed',
        s.strict ? `${pct(s.strict.found, s.strict.total)} (${s.strict.found}/${s.strict.total})` : '-',
        s.strict ? `${s.strict.nearFp}/${s.strict.nearTotal}` : s.any ? `${s.any.nearFp}/${s.any.nearTotal}` : '-',
        corpusCell,
        perCell,
        `${((s.lab.ms || 0) / 1000).toFixed(1)}s + ${c ? ((c.ms || 0) / 1000).toFixed(1) + 's' : '-'}`,
      ])
    }
    console.log(table(rows))
    if (ours.strict.nearFps.length) console.log(`\nsecretgate near misses reported by their own rule: ${ours.strict.nearFps.join(', ')}`)
    // The labeled set follows secretgate's rule list, so peers are also scored on the formats some
    // peer knows: rules whose keys at least one peer reported in at least one shape.
    const peers = summary.filter((x) => x.name !== 'secretgate' && x.any)
    if (peers.length) {
      const covered = new Set()
      for (const p of peers) for (const [id, pr] of p.any.perRule) if (pr.found > 0) covered.add(id)
      const sub = new Map([...labels].filter(([, l]) => l.positive && covered.has(l.ruleId)))
      const subRows = [['tool', `recall on the ${covered.size} rules some peer detects (${sub.size} keys)`]]
      for (const x of summary) {
        if (!x.lab.findings) continue
        const rr = recall(sub, x.lab.findings, { strict: false })
        subRows.push([x.name, `${pct(rr.found, rr.total)} (${rr.found}/${rr.total})`])
      }
      console.log('\n' + table(subRows))
    }
    console.log('\nnear-miss FPs: for secretgate, findings of the rule itself on its near misses; for peers, any finding on them.')

    const k = ours.corpus && ours.corpus.findings ? sevCounts(ours.corpus.findings) : null
    const targets = [
      ['overall recall >= 98%', ours.strict.found / ours.strict.total >= 0.98],
      ['no rule under 90%', weak.length === 0],
      ['zero errors on the corpus', k ? k.error === 0 : null],
      ['at most 1 warning per 100 MB', k ? (k.warning * 100e6) / corpusBytes <= 1 : null],
    ]
    console.log('\ntargets: ' + targets.map(([n, ok]) => `${n}: ${ok === null ? 'not measured' : ok ? 'met' : 'MISSED'}`).join('; '))

    if (jsonOut) {
      out.labeled = { rules: rules.length, keys: positives, shapes: SHAPES }
      out.corpus = { dir: corpus, bytes: corpusBytes }
      out.tools = summary.map((s) => ({
        name: s.name,
        recallAny: s.any ? s.any.found / s.any.total : null,
        recallRule: s.strict ? s.strict.found / s.strict.total : null,
        corpusFindings: s.corpus && s.corpus.findings ? s.corpus.findings.map(({ file, ruleId, severity, line, secret }) => ({ file, ruleId, severity, line, secret })) : null,
      }))
      out.misses = ours.strict.misses
      fs.writeFileSync(jsonOut, JSON.stringify(out, null, 2))
    }
    process.exitCode = 0
  } finally {
    if (!keepDir) fs.rmSync(work, { recursive: true, force: true })
  }
}

main()
