'use strict'
// The peer scanners the benchmarks run beside secretgate (scripts/bench-quality.js for detection
// quality, scripts/bench.js for wall time and memory): each `scan(dir)` runs the tool over a
// folder and returns `{ findings: [{ file, ruleId, line }], ms }` (or `{ error }`/`{ timedOut }`),
// never a raw value. secretlint installs on first use into <tmpdir>/secretgate-bench-peers (or
// SECRETLINT_BIN); detect-secrets and kingfisher are used when on PATH (pip install
// detect-secrets kingfisher-bin). Each scan is cut off after BENCH_PEER_TIMEOUT_MS (20 minutes).
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const root = path.join(__dirname, '..')
const PEER_TIMEOUT_MS = Number(process.env.BENCH_PEER_TIMEOUT_MS || 20 * 60 * 1000)

function log(msg) {
  process.stderr.write(`[peers] ${msg}\n`)
}

function run(cmd, argv, options = {}) {
  const t0 = Date.now()
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 30, timeout: PEER_TIMEOUT_MS, ...options })
  return { ...r, ms: Date.now() - t0, timedOut: r.error && r.error.code === 'ETIMEDOUT' }
}

function findBin(name, extra = []) {
  for (const c of [...extra, ...String(process.env.PATH).split(path.delimiter).map((d) => path.join(d, name))]) {
    try {
      fs.accessSync(c, fs.constants.X_OK)
      return c
    } catch {}
  }
  return null
}

/** secretlint and its preset, installed once into a cache folder outside the repository. */
function installSecretlint({ install }) {
  const dir = path.join(os.tmpdir(), 'secretgate-bench-peers')
  const bin = path.join(dir, 'node_modules', '.bin', 'secretlint')
  if (fs.existsSync(bin)) return bin
  if (!install) return null
  log('installing secretlint and @secretlint/secretlint-rule-preset-recommend into ' + dir)
  fs.mkdirSync(dir, { recursive: true })
  if (!fs.existsSync(path.join(dir, 'package.json'))) fs.writeFileSync(path.join(dir, 'package.json'), '{"private":true}')
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const r = spawnSync(npm, ['install', '--no-audit', '--no-fund', 'secretlint', '@secretlint/secretlint-rule-preset-recommend'], { cwd: dir, encoding: 'utf8' })
  return r.status === 0 && fs.existsSync(bin) ? bin : null
}

/**
 * A peer: `command` (binary and arguments, run in the scanned folder), `parse(result, dir)` of a
 * finished run (`{ status, stdout, stderr }`) to `{ findings }` or `{ error }`, and `scan(dir)`,
 * both in one.
 */
function tool(name, bin, args, parse) {
  return {
    name,
    command: [bin, args],
    parse,
    scan(dir) {
      const r = run(bin, args, { cwd: dir })
      if (r.timedOut) return { timedOut: true, ms: r.ms }
      return { ...parse(r, dir), ms: r.ms }
    },
  }
}

function secretlintTool({ install = true } = {}) {
  const bin = findBin('secretlint', [process.env.SECRETLINT_BIN, path.join(root, 'node_modules', '.bin', 'secretlint')].filter(Boolean)) || installSecretlint({ install })
  if (!bin) return null
  const rc = path.join(os.tmpdir(), `sg-secretlintrc-${process.pid}.json`)
  fs.writeFileSync(rc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }))
  // the compact format: one line per finding, values masked (the json format echoes every file's
  // whole content)
  const args = ['**/*', '--format', 'compact', '--maskSecrets', '--secretlintrc', rc, '--no-color']
  return tool('secretlint (preset-recommend)', bin, args, (r, dir) => {
    if (r.status !== 0 && r.status !== 1) return { error: `exit ${r.status}: ${String(r.stderr || '').split('\n')[0].slice(0, 200)}` }
    const findings = []
    for (const line of String(r.stdout).split('\n')) {
      const m = line.match(/^(.*): line (\d+), col \d+, \w+ - .*\(([^()]+)\)\s*$/)
      if (m) findings.push({ file: path.relative(dir, path.resolve(dir, m[1])), ruleId: m[3], line: Number(m[2]) })
    }
    return { findings }
  })
}

function detectSecretsTool() {
  const bin = findBin('detect-secrets')
  if (!bin) return null
  return tool('detect-secrets', bin, ['scan', '--all-files', '.'], (r) => {
    let data
    try {
      data = JSON.parse(r.stdout)
    } catch {
      return { error: String(r.stderr || '').split('\n').slice(-2).join(' ').slice(0, 200) }
    }
    const findings = []
    for (const [file, list] of Object.entries(data.results || {})) {
      for (const s of list) findings.push({ file: path.normalize(file), ruleId: s.type, line: s.line_number })
    }
    return { findings }
  })
}

function kingfisherTool() {
  const bin = findBin('kingfisher')
  if (!bin) return null
  // --no-dedup: one key planted in several files must count in each, as it does for the others
  const args = ['scan', '.', '--no-validate', '--no-update-check', '--no-dedup', '--format', 'json']
  return tool('kingfisher', bin, args, (r, dir) => {
    let data
    try {
      // the findings document, then a summary document on the next line
      const text = String(r.stdout)
      const end = text.indexOf('\n{')
      data = JSON.parse(end === -1 ? text : text.slice(0, end))
    } catch {
      return { error: `exit ${r.status}, ${String(r.stdout || '').length} bytes of output: ${String(r.stderr || '').split('\n').filter(Boolean).slice(-1).join(' ').slice(0, 200)}` }
    }
    // only rule, path and line are kept: kingfisher's snippets hold the raw value
    const findings = (data.findings || []).map((x) => ({
      file: path.relative(dir, path.resolve(dir, x.finding.path)),
      ruleId: x.rule.id,
      line: x.finding.line,
    }))
    return { findings }
  })
}

module.exports = { run, findBin, secretlintTool, detectSecretsTool, kingfisherTool, PEER_TIMEOUT_MS }
