'use strict'
// Duplicate grouping (npm/group.js): one secret in several places of one output is one finding
// with several locations, in the CLI's JSON, human and SARIF output alike.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { groupFindings } = require('../../npm/group.js')
const { fakeKeys } = require('./helpers/fake-keys.js')

const CLI = path.join(__dirname, '..', '..', 'npm', 'cli.js')

const finding = (over) => ({
  ruleId: 'stripe-secret-key', severity: 'error', file: 'dist/a.js', line: 1, column: 10, start: 9, end: 40,
  fingerprint: 'f1', secret: 'sk_live_Ab12…', original: null, suppressed: null, ...over,
})

test('groupFindings: same fingerprint becomes one finding with every location, in order', () => {
  const out = groupFindings([
    finding({}),
    finding({ ruleId: 'github-token', fingerprint: 'f2', file: 'dist/b.js' }),
    finding({ file: 'dist/a.js.map', line: 3, column: 5, original: { file: 'src/pay.js', line: 2, column: 7 } }),
    finding({ file: 'dist/chunk-2.js', line: 9, column: 1 }),
  ])
  assert.equal(out.length, 2)
  assert.equal(out[0].file, 'dist/a.js', 'keeps the first location\'s fields')
  // each copy keeps its byte span (the human frames of other findings in that file mask it)
  assert.deepEqual(out[0].locations, [
    { file: 'dist/a.js', line: 1, column: 10, start: 9, end: 40, original: null },
    { file: 'dist/a.js.map', line: 3, column: 5, start: 9, end: 40, original: { file: 'src/pay.js', line: 2, column: 7 } },
    { file: 'dist/chunk-2.js', line: 9, column: 1, start: 9, end: 40, original: null },
  ])
  assert.equal(out[1].ruleId, 'github-token')
  assert.equal(out[1].locations.length, 1, 'a finding without duplicates gets its one location')
})

test('groupFindings: a suppressed copy never hides an unsuppressed one; no fingerprint, no grouping', () => {
  const out = groupFindings([
    finding({ suppressed: { by: 'inline', reason: 'test fixture' } }),
    finding({ file: 'dist/b.js' }),
    finding({ fingerprint: undefined, ruleId: 'deploy-git-folder' }),
    finding({ fingerprint: undefined, ruleId: 'deploy-git-folder', file: 'dist/other' }),
  ])
  assert.equal(out.length, 4)
  assert.ok(out[0].suppressed && !out[1].suppressed)
})

test('groupFindings: regrouping grouped results merges their locations without repeats', () => {
  const first = groupFindings([finding({}), finding({ file: 'dist/a.js.map', line: 2 })])
  const second = groupFindings([finding({ file: 'dist/ssr/a.js' }), finding({})])
  const merged = groupFindings([...first, ...second])
  assert.equal(merged.length, 1)
  assert.deepEqual(merged[0].locations.map((l) => l.file), ['dist/a.js', 'dist/a.js.map', 'dist/ssr/a.js'])
})

test('CLI: the same key in a bundle, its source map and a second chunk is one finding with three locations', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-group-'))
  try {
    const key = fakeKeys.githubToken()
    const src = `export const token = "${key}";\n`
    fs.mkdirSync(path.join(dir, 'dist'))
    fs.writeFileSync(path.join(dir, 'dist', 'app.js'), `const t="${key}";fetch("/api",{headers:{authorization:"token "+t}});\n//# sourceMappingURL=app.js.map\n`)
    fs.writeFileSync(path.join(dir, 'dist', 'app.js.map'), JSON.stringify({ version: 3, sources: ['../src/config.js'], sourcesContent: [src], names: [], mappings: 'AAAA' }))
    fs.writeFileSync(path.join(dir, 'dist', 'chunk-2.js'), `export default{token:"${key}"};\n`)
    const json = spawnSync(process.execPath, [CLI, 'dist', '--format', 'json'], { cwd: dir, encoding: 'utf8' })
    assert.equal(json.status, 1, json.stderr)
    const report = JSON.parse(json.stdout)
    const gh = report.findings.filter((f) => f.ruleId === 'github-token')
    assert.equal(gh.length, 1, `one grouped finding, got ${JSON.stringify(gh.map((f) => f.file))}`)
    assert.deepEqual(gh[0].locations.map((l) => l.file).sort(), ['dist/app.js', 'dist/app.js.map', 'dist/chunk-2.js'])
    assert.ok(!json.stdout.includes(key), 'the raw key never appears in the output')

    const human = spawnSync(process.execPath, [CLI, 'dist', '--no-color'], { cwd: dir, encoding: 'utf8' })
    assert.match(human.stdout, /also at dist\/\S+:\d+:\d+, dist\/\S+:\d+:\d+/)
    assert.ok(!human.stdout.includes(key))

    const sarif = JSON.parse(spawnSync(process.execPath, [CLI, 'dist', '--format', 'sarif'], { cwd: dir, encoding: 'utf8' }).stdout)
    const result = sarif.runs[0].results.find((r) => r.ruleId === 'github-token')
    const also = (result.relatedLocations || []).filter((l) => l.message && /also shipped here/.test(l.message.text))
    assert.equal(also.length, 2)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
