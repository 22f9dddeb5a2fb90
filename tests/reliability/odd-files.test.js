'use strict'
// Odd files through the Node API and the real CLI: invalid UTF-8, UTF-16 with a BOM, NUL bytes,
// files that vanish or change while the scan runs, unreadable files, sourceMappingURLs pointing
// outside the roots (a canary file with a key proves they are never read), source maps with
// wrong line counts or a huge sourcesContent, symlink loops. Every case ends in a verdict: the key
// found, or the file reported as not judged (exit 2); never a crash, never a silent pass.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const apps = require('./helpers/apps.js')
const { fakeKeys } = require('../js/helpers/fake-keys.js')
const { lineMap } = require('./helpers/seeds.js')

const { scan } = require(path.join(apps.ROOT, 'npm', 'index.js'))
const FSLOG = path.join(__dirname, 'helpers', 'fs-log.js')

test.after(apps.cleanup)

const stripeIn = (r) => r.findings.some((f) => f.ruleId === 'stripe-secret-key')

function utf16(text, be) {
  const le = Buffer.from(text, 'utf16le')
  if (!be) return Buffer.concat([Buffer.from([0xff, 0xfe]), le])
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]]
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le])
}

function cliJson(dir, args = ['dist'], opts = {}) {
  const r = apps.runCli([...args, '--format', 'json'], { cwd: dir, ...opts })
  let report = null
  try {
    report = JSON.parse(r.stdout)
  } catch {}
  return { ...r, report }
}

test('API: invalid UTF-8, UTF-16 LE/BE with BOM and NUL bytes still give the key, with a note where the text was repaired', () => {
  const key = fakeKeys.stripeSecret()
  const js = `const stripeKey = "${key}";\n`
  const cases = {
    'invalid UTF-8 before': Buffer.concat([Buffer.from([0xc3, 0x28, 0x80, 0xfe]), Buffer.from(`\n${js}`)]),
    'invalid UTF-8 inside the string': Buffer.from(`const stripeKey = "${key}"; const x = "\xff\xfe";\n`, 'latin1'),
    'UTF-16 LE with BOM': utf16(js),
    'UTF-16 BE with BOM': utf16(js, true),
    'UTF-8 BOM': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(js)]),
    'NUL bytes around': Buffer.concat([Buffer.from('\0\0\0'), Buffer.from(js), Buffer.from('\0')]),
    'NUL inside the line': Buffer.from(`const a = "\0"; ${js}`),
  }
  for (const [name, bytes] of Object.entries(cases)) {
    for (const file of ['a.js', 'a.txt', 'a.html']) {
      const r = scan(bytes, { file })
      assert.ok(stripeIn(r), `${name} as ${file}: key not found (${JSON.stringify(r.notes)})`)
      for (const f of r.findings) assert.ok(f.start <= f.end && f.line >= 1 && f.column >= 1)
    }
  }
})

test('API: UTF-8 text behind a stray UTF-16 BOM (FF FE) is still searched', () => {
  const key = fakeKeys.stripeSecret()
  for (const bom of [[0xff, 0xfe], [0xfe, 0xff]]) {
    const r = scan(Buffer.concat([Buffer.from(bom), Buffer.from(`\nconst stripeKey = "${key}";\n`)]), { file: 'a.js' })
    assert.ok(stripeIn(r), `BOM ${bom}: ${JSON.stringify(r.notes)}`)
  }
})

test('CLI: invalid UTF-8 and a UTF-8 BOM are scanned', () => {
  const key = fakeKeys.stripeSecret()
  const dir = apps.writeTree(apps.tempDir('odd-utf8'), {
    'dist/latin1.js': Buffer.from(`// caf\xe9\nconst stripeKey = "${key}";\n`, 'latin1'),
    'dist/bom.js': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`const stripeKey = "${fakeKeys.stripeSecret()}";\n`)]),
  })
  const r = cliJson(dir)
  assert.equal(r.code, 1, r.stderr)
  assert.equal(r.report.findings.filter((f) => f.ruleId === 'stripe-secret-key').length, 2)
})

test('CLI: a JS file in UTF-16 with a BOM is scanned, not skipped as binary', () => {
  const key = fakeKeys.stripeSecret()
  const dir = apps.writeTree(apps.tempDir('odd-utf16'), { 'dist/le.js': utf16(`const stripeKey = "${key}";\n`), 'dist/be.js': utf16(`const stripeKey = "${fakeKeys.stripeSecret()}";\n`, true) })
  const r = cliJson(dir)
  assert.equal(r.code, 1, `exit ${r.code}: ${r.stdout}`)
  assert.equal(r.report.findings.filter((f) => f.ruleId === 'stripe-secret-key').length, 2)
})

test('CLI: a .js file with a stray NUL byte is scanned, not skipped as binary', () => {
  const key = fakeKeys.stripeSecret()
  const dir = apps.writeTree(apps.tempDir('odd-nul'), { 'dist/app.js': Buffer.concat([Buffer.from('/*\0*/\n'), Buffer.from(`const stripeKey = "${key}";\n`)]) })
  const r = cliJson(dir)
  assert.equal(r.code, 1, `exit ${r.code}: ${r.stdout}`)
  assert.ok(r.report.findings.some((f) => f.ruleId === 'stripe-secret-key'))
})

test('CLI: a file that vanishes before it is read is reported as not judged (exit 2), the rest is scanned', () => {
  const key = fakeKeys.stripeSecret()
  const files = { 'dist/vanish.js': `const stripeKey = "${fakeKeys.stripeSecret()}";\n`, 'dist/stays.js': `const stripeKey = "${key}";\n` }
  for (let i = 0; i < 10; i++) files[`dist/f${i}.js`] = `export const v = ${i}\n`
  const dir = apps.writeTree(apps.tempDir('odd-vanish'), files)
  const r = cliJson(dir, ['dist'], { nodeArgs: ['-r', FSLOG], env: { SECRETGATE_TEST_FS_VANISH: 'vanish.js' } })
  assert.equal(r.code, 2, `a vanished file is not a pass: ${r.stdout}\n${r.stderr}`)
  assert.match(JSON.stringify(r.report), /vanish\.js/)
  assert.ok(r.report.findings.some((f) => /stays\.js$/.test(f.file)))
})

test('CLI: a file rewritten while the scan runs is judged on what was read', () => {
  const key = fakeKeys.stripeSecret()
  const dir = apps.writeTree(apps.tempDir('odd-change'), { 'dist/change.js': 'export const v = 1\n' })
  const r = cliJson(dir, ['dist'], { nodeArgs: ['-r', FSLOG], env: { SECRETGATE_TEST_FS_CHANGE: `change.js:const stripeKey = "${key}";\n` } })
  assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`)
  assert.ok(r.report.findings.some((f) => f.ruleId === 'stripe-secret-key'))
})

test('CLI: an unreadable file is reported as not judged (exit 2), never skipped', { skip: process.platform === 'win32' && 'POSIX permissions' }, () => {
  const key = fakeKeys.stripeSecret()
  const dir = apps.writeTree(apps.tempDir('odd-unreadable'), { 'dist/secret.js': `const stripeKey = "${key}";\n`, 'dist/ok.js': 'export const v = 1\n' })
  fs.chmodSync(dir, 0o755)
  fs.chmodSync(path.join(dir, 'dist'), 0o755)
  fs.chmodSync(path.join(dir, 'dist', 'ok.js'), 0o644)
  fs.chmodSync(path.join(dir, 'dist', 'secret.js'), 0o000)
  let r
  if (process.getuid && process.getuid() === 0) {
    // root reads anything: run the CLI as nobody, from a world-readable copy of the package
    const { worldReadableCli } = require('../js/helpers/cli-harness.js')
    const cli = worldReadableCli()
    fs.chmodSync(path.dirname(dir), 0o1777)
    r = require('node:child_process').spawnSync(process.execPath, [cli, 'dist', '--format', 'json'], { cwd: dir, uid: 65534, gid: 65534, encoding: 'utf8', env: apps.cliEnv() })
    r = { code: r.status, stdout: r.stdout, stderr: r.stderr }
  } else r = apps.runCli(['dist', '--format', 'json'], { cwd: dir })
  assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`)
  assert.match(r.stdout, /secret\.js/)
  assert.match(r.stdout, /EACCES|cannot read|not judged|could not/i)
})

test('CLI: sourceMappingURLs outside the roots are never read (a canary outside holds a key)', () => {
  const outside = apps.tempDir('odd-canary')
  const canaryKey = fakeKeys.githubToken()
  const canary = path.join(outside, 'canary.map')
  fs.writeFileSync(canary, lineMap(1, ['canary.js'], [`const token = "${canaryKey}";`]))
  const proj = path.join(outside, 'proj')
  const rel = path.relative(path.join(proj, 'dist', 'assets'), canary)
  const line = `const stripeKey = "${fakeKeys.stripeSecret()}";\n`
  const fresh = () => `const stripeKey = "${fakeKeys.stripeSecret()}";\n`
  apps.writeTree(proj, {
    'dist/assets/abs.js': `${line}//# sourceMappingURL=${canary}\n`,
    'dist/assets/rel.js': `${fresh()}//# sourceMappingURL=${rel}\n`,
    'dist/assets/url.js': `${fresh()}//# sourceMappingURL=file://${canary}\n`,
    'dist/assets/enc.js': `${fresh()}//# sourceMappingURL=${rel.replace(/\.\./g, '%2e%2e')}\n`,
    'dist/assets/passwd.js': `${fresh()}//# sourceMappingURL=/etc/passwd\n`,
    'dist/assets/css.css': `/* ${fakeKeys.stripeSecret()} */\n/*# sourceMappingURL=${rel} */\n`,
  })
  // A symlink inside the root to the canary, as the map beside a bundle (hidden source map).
  fs.writeFileSync(path.join(proj, 'dist', 'assets', 'hidden.js'), fresh())
  fs.symlinkSync(canary, path.join(proj, 'dist', 'assets', 'hidden.js.map'))
  fs.symlinkSync(canary, path.join(proj, 'dist', 'assets', 'linked.map'))
  const log = path.join(apps.tempDir('odd-fslog'), 'fs.jsonl')
  const r = cliJson(proj, ['dist'], { nodeArgs: ['-r', FSLOG], env: { SECRETGATE_TEST_FS_LOG: log } })
  assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`)
  assert.ok(r.report.findings.filter((f) => f.ruleId === 'stripe-secret-key').length >= 6, 'the bundles themselves are scanned')
  assert.ok(!r.report.findings.some((f) => f.ruleId.startsWith('github')), 'the canary key is never reported')
  const reads = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  const bad = reads.filter((e) => e.path === canary || e.path === '/etc/passwd' || e.path.startsWith(`${outside}${path.sep}canary`))
  assert.deepEqual(bad, [], 'nothing outside the roots was opened')
  assert.ok(reads.some((e) => e.path.endsWith('abs.js')), 'the read log works')
  const notes = JSON.stringify(r.report)
  assert.match(notes, /sourcemap-outside-root|outside the scanned folders/)
  assert.equal(notes.includes(canary), false, 'notes do not even say where the link points')
})

test('source maps with wrong line counts, broken mappings or a huge sourcesContent: findings keep bundle locations', () => {
  const key = fakeKeys.stripeSecret()
  const bundle = `a();\nconst stripeKey = "${key}";\nb();\n`
  const maps = {
    'more lines than the bundle': lineMap(500, ['src/a.js'], ['x\n'.repeat(10)]),
    'fewer lines': lineMap(1, ['src/a.js'], ['x']),
    'columns past the end': JSON.stringify({ version: 3, sources: ['a.js'], names: [], mappings: ';gggggggggggggggB,gggggggggggggggB' }),
    'negative deltas': JSON.stringify({ version: 3, sources: ['a.js'], names: [], mappings: ';DDDD,DDDD;' }),
    'source index out of range': JSON.stringify({ version: 3, sources: ['a.js'], names: [], mappings: ';AkBAA' }),
    'invalid VLQ': JSON.stringify({ version: 3, sources: ['a.js'], names: [], mappings: ';!!!!;' }),
    'not JSON': '{"version":3,',
    'empty object': '{}',
    'index map with overlapping sections': JSON.stringify({ version: 3, sections: [{ offset: { line: 0, column: 0 }, map: JSON.parse(lineMap(3, ['a.js'], null)) }, { offset: { line: 0, column: 0 }, map: JSON.parse(lineMap(3, ['b.js'], null)) }] }),
    'huge sourcesContent (32 MiB)': lineMap(3, ['src/a.js'], ['// filler\n'.repeat(3355443) + `const other = "${fakeKeys.githubToken()}";\n`]),
    'sourcesContent not strings': JSON.stringify({ version: 3, sources: ['a.js', 'b.js'], sourcesContent: [42, { a: 1 }], names: [], mappings: 'AAAA' }),
    'sources not strings': JSON.stringify({ version: 3, sources: [1, null, {}], names: [], mappings: 'AAAA' }),
  }
  for (const [name, map] of Object.entries(maps)) {
    const r = scan(bundle, { file: 'bundle.js', sourceMap: map })
    assert.ok(stripeIn(r), `${name}: key not found (${JSON.stringify(r.notes).slice(0, 300)})`)
    const f = r.findings.find((x) => x.ruleId === 'stripe-secret-key')
    assert.equal(f.line, 2, name)
    // The map scanned as a file of its own must not fail either.
    const asMap = scan(map, { file: 'bundle.js.map' })
    assert.ok(Array.isArray(asMap.findings), name)
  }
  const huge = scan(maps['huge sourcesContent (32 MiB)'], { file: 'bundle.js.map' })
  assert.ok(huge.findings.some((f) => f.ruleId === 'github-token'), 'the key at the end of a 32 MiB sourcesContent is found')
})

test('CLI: symlink loops end, a file reached twice through links is scanned once', () => {
  const key = fakeKeys.stripeSecret()
  const dir = apps.writeTree(apps.tempDir('odd-loops'), { 'dist/app.js': `const stripeKey = "${key}";\n`, 'dist/sub/x.js': 'export const v = 1\n' })
  fs.symlinkSync('..', path.join(dir, 'dist', 'sub', 'up'))
  fs.symlinkSync('.', path.join(dir, 'dist', 'self'))
  fs.symlinkSync('loop-b', path.join(dir, 'dist', 'loop-a'))
  fs.symlinkSync('loop-a', path.join(dir, 'dist', 'loop-b'))
  fs.symlinkSync('app.js', path.join(dir, 'dist', 'again.js'))
  fs.symlinkSync(os.tmpdir(), path.join(dir, 'dist', 'tmp-outside'))
  const r = cliJson(dir)
  assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`)
  assert.equal(r.report.findings.filter((f) => f.ruleId === 'stripe-secret-key').length, 1, 'one key, reported once')
})
