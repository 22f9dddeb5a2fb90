'use strict'
// Preload (`node -r`, also loaded in worker threads) for the odd-files tests:
// - logs every path the process opens or reads (SECRETGATE_TEST_FS_LOG), to prove that a file
//   outside the scanned roots (a canary) is never read;
// - SECRETGATE_TEST_FS_VANISH=<name>: that file is deleted just before it is first read;
// - SECRETGATE_TEST_FS_CHANGE=<name>:<text>: that file is rewritten with <text> just before it is
//   first read (a build writing the output while the scan runs).
const fs = require('node:fs')
const path = require('node:path')

const LOG = process.env.SECRETGATE_TEST_FS_LOG
const VANISH = process.env.SECRETGATE_TEST_FS_VANISH
const CHANGE = process.env.SECRETGATE_TEST_FS_CHANGE
const done = new Set()

let busy = false

function touch(p, how) {
  if (busy) return
  busy = true
  try {
    touchNow(p, how)
  } finally {
    busy = false
  }
}

function touchNow(p, how) {
  if (typeof p !== 'string' && !(p instanceof URL) && !Buffer.isBuffer(p)) return
  const s = p instanceof URL ? p.pathname : String(p)
  if (LOG) fs.appendFileSync(LOG, `${JSON.stringify({ how, path: path.resolve(s) })}\n`)
  const base = path.basename(s)
  if (VANISH && base === VANISH && !done.has(s)) {
    done.add(s)
    try {
      fs.unlinkSync(s)
    } catch {}
  }
  if (CHANGE && base === CHANGE.split(':')[0] && !done.has(s)) {
    done.add(s)
    original.writeFileSync(s, CHANGE.slice(CHANGE.indexOf(':') + 1))
  }
}

const original = { writeFileSync: fs.writeFileSync }
for (const name of ['readFileSync', 'openSync', 'createReadStream', 'readFile', 'open', 'opendirSync', 'readdirSync']) {
  const orig = fs[name]
  fs[name] = function (p, ...rest) {
    touch(p, name)
    return orig.call(this, p, ...rest)
  }
}
for (const name of ['readFile', 'open']) {
  const orig = fs.promises[name]
  fs.promises[name] = function (p, ...rest) {
    touch(p, `promises.${name}`)
    return orig.call(this, p, ...rest)
  }
}
require('node:module').syncBuiltinESMExports()
