// Tests what ships: `npm pack`, install the tarball into an empty project (no Rust, no repo on the
// resolution path), use every entry point from there, and scan the installed package itself.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync, spawnSync } = require('node:child_process')
const { fakeKeys } = require('./helpers/fake-keys.js')

const root = path.join(__dirname, '..', '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

test('the packed package installs and works on its own', { timeout: 240000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'secretgate-pack-'))
  try {
    const packJson = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', tmp], { cwd: root, encoding: 'utf8' }))
    const files = packJson[0].files.map((f) => f.path).sort()
    // Exactly the runtime: no sources, tests, examples or build scripts.
    for (const must of ['package.json', 'README.md', 'npm/index.js', 'npm/index.mjs', 'npm/index.d.ts', 'npm/cli.js',
      'npm/vite.js', 'npm/vite.mjs', 'npm/webpack.js', 'npm/webpack-loader.js', 'npm/wasm/secretgate_bg.wasm', 'npm/wasm/secretgate.js']) {
      assert.ok(files.includes(must), `missing ${must}`)
    }
    for (const f of files) {
      assert.match(f, /^(package\.json|README\.md|LICENSE|npm\/.*)$/, `unexpected file in the package: ${f}`)
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
    assert.equal(manifest.dependencies, undefined, 'no runtime dependencies')
    for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(manifest.scripts[s], undefined, `no ${s} script`)

    const project = path.join(tmp, 'project')
    fs.mkdirSync(project)
    fs.writeFileSync(path.join(project, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}')
    execFileSync(npm, ['install', '--no-audit', '--no-fund', '--offline', path.join(tmp, packJson[0].filename)], { cwd: project, stdio: 'pipe' })

    const key = fakeKeys.stripeSecret()
    const probe = `
      const { scan } = require('secretgate');
      const r = scan('const s="${key}";', { file: 'x.js' });
      if (r.findings[0].ruleId !== 'stripe-secret-key') process.exit(3);
      import('secretgate').then(async (m) => {
        if (typeof m.scan !== 'function') process.exit(4);
        const vite = await import('secretgate/vite');
        if (typeof vite.default !== 'function') process.exit(5);
        const wp = require('secretgate/webpack');
        if (typeof wp !== 'function' || wp.SecretgatePlugin !== wp) process.exit(6);
        if (typeof require('secretgate/webpack-loader') !== 'function') process.exit(7);
        console.log('ok');
      });`
    const out = spawnSync(process.execPath, ['-e', probe], { cwd: project, encoding: 'utf8' })
    assert.equal(out.status, 0, out.stderr)
    assert.equal(out.stdout.trim(), 'ok')

    // The bin: a dist with a planted key fails, the installed package itself is clean.
    const bin = path.join(project, 'node_modules', '.bin', 'secretgate')
    const dist = path.join(tmp, 'dist')
    fs.mkdirSync(dist)
    fs.writeFileSync(path.join(dist, 'app.js'), `var k="${key}";`)
    const bad = spawnSync(bin, [dist, '--format', 'json'], { cwd: project, encoding: 'utf8' })
    assert.equal(bad.status, 1, bad.stderr)
    assert.ok(!bad.stdout.includes(key) && !bad.stderr.includes(key), 'the CLI printed a whole secret')
    const self = spawnSync(bin, [path.join(project, 'node_modules', 'secretgate'), '--fail-on', 'info', '--format', 'json'], { cwd: project, encoding: 'utf8' })
    assert.equal(self.status, 0, `self-scan of the packed package: ${self.stdout.slice(0, 2000)} ${self.stderr}`)
    assert.deepEqual(JSON.parse(self.stdout).findings, [])
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
})
