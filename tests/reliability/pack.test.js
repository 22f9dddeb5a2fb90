'use strict'
// What `npm pack` ships, beside tests/js/pack.test.js: no lifecycle script npm would run on
// install (including the implicit `node-gyp rebuild` a binding.gyp triggers), no dependency of
// any kind, only the package's own files (no tests, sources, maps, dotfiles, .npmrc), every
// module requiring only Node built-ins, its own files, or the host bundler it plugs into, and the
// packed files pass the package's own CLI scan.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { execFileSync, spawnSync } = require('node:child_process')
const apps = require('./helpers/apps.js')

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
test.after(apps.cleanup)

// npm runs these for the consumer (or on `npm install <git url>`): none may exist.
const LIFECYCLE = ['preinstall', 'install', 'postinstall', 'preuninstall', 'uninstall', 'postuninstall', 'prepublish', 'preprepare', 'prepare', 'postprepare', 'dependencies']
// What modules of the package may load: Node built-ins, relative files, the host bundler.
const HOSTS = new Set(['vite', 'webpack', 'secretgate', 'secretgate/vite', 'secretgate/webpack'])

test('the packed package: no install scripts, no dependencies, only its own runtime files, no foreign modules', { timeout: 240000 }, () => {
  const tmp = apps.tempDir('pack')
  const [info] = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', tmp], { cwd: apps.ROOT, encoding: 'utf8' }))
  const unpacked = path.join(tmp, 'x')
  fs.mkdirSync(unpacked)
  execFileSync('tar', ['-xzf', path.join(tmp, info.filename), '-C', unpacked])
  const pkgDir = path.join(unpacked, 'package')
  const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'))

  for (const s of LIFECYCLE) assert.equal((manifest.scripts || {})[s], undefined, `lifecycle script "${s}" would run for users`)
  for (const k of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'bundledDependencies']) {
    const v = manifest[k]
    assert.ok(v === undefined || (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0), `${k}: ${JSON.stringify(v)}`)
  }
  assert.equal(manifest.gypfile, undefined)

  const files = info.files.map((f) => f.path)
  assert.ok(!files.includes('binding.gyp'), 'a binding.gyp makes npm run node-gyp on install')
  for (const f of files) {
    assert.match(f, /^(package\.json|README\.md|LICENSE(\.md)?|npm\/[\w./-]+)$/, `unexpected file: ${f}`)
    assert.doesNotMatch(f, /(^|\/)\.|\.map$|\.rs$|\.test\.|(^|\/)(tests?|fuzz|src|scripts|examples)\//, `must not ship: ${f}`)
  }
  // The bin and every export point at packed files.
  const targets = [manifest.main, ...Object.values(manifest.bin || {})]
  const walkExports = (e) => (typeof e === 'string' ? targets.push(e) : e && Object.values(e).forEach(walkExports))
  walkExports(manifest.exports)
  for (const t of targets) assert.ok(files.includes(path.posix.normalize(t)), `${t} is not in the package`)

  // Every module loads only built-ins, its own files or the host bundler.
  const specifiers = []
  for (const f of files.filter((x) => /\.(c|m)?js$/.test(x))) {
    const text = fs.readFileSync(path.join(pkgDir, f), 'utf8')
    for (const m of text.matchAll(/\brequire\(\s*(['"])([^'"]+)\1\s*\)|\bimport\(\s*(['"])([^'"]+)\3\s*\)|\bfrom\s+(['"])([^'"]+)\5|^\s*import\s+(['"])([^'"]+)\7/gm)) {
      const spec = m[2] || m[4] || m[6] || m[8]
      specifiers.push(spec)
      const ok = spec.startsWith('node:') || spec.startsWith('./') || spec.startsWith('../') || HOSTS.has(spec) || require('node:module').builtinModules.includes(spec)
      assert.ok(ok, `${f} loads ${spec}: not a built-in, not its own file, not the host bundler`)
      if (spec.startsWith('.')) {
        const target = path.posix.join(path.posix.dirname(f), spec)
        assert.ok(files.includes(target) || files.includes(`${target}.js`) || files.some((x) => x.startsWith(`${target}/`)), `${f} loads ${spec}, which is not packed`)
      }
    }
  }
  assert.ok(specifiers.length > 20, 'the scan of require/import found the modules')

  // The packed files pass the package's own scan (no key, no .env, no private key file).
  const self = spawnSync(process.execPath, [path.join(pkgDir, 'npm', 'cli.js'), pkgDir, '--format', 'json'], { encoding: 'utf8', env: apps.cliEnv() })
  assert.equal(self.status, 0, `self-scan: ${self.stdout.slice(0, 2000)}${self.stderr}`)
  assert.ok(info.size < 8 * 1024 * 1024, `tarball size ${info.size}`)
})
