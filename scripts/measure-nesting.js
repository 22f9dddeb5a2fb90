#!/usr/bin/env node
// Measures how deep each nesting shape can go before the WebAssembly core traps (the guard in
// src/input/js.rs is lifted with `maxDepth` for the measurement), on this thread's default stack.
// Prints one line per shape; the guard (MAX_DEPTH) must stay well below every figure.
'use strict'
const { scan } = require('../npm/index.js')

const shapes = {
  brackets: (n) => `x=${'['.repeat(n)}1${']'.repeat(n)};`,
  objects: (n) => `x=${'{a:'.repeat(n)}1${'}'.repeat(n)};`,
  parens: (n) => `x=${'('.repeat(n)}1${')'.repeat(n)};`,
  calls: (n) => `x=${'f('.repeat(n)}1${')'.repeat(n)};`,
  arrows: (n) => `x=${'()=>'.repeat(n)}1;`,
  ternaries: (n) => `x=${'a?b:'.repeat(n)}0;`,
  templates: (n) => `x=${'`${'.repeat(n)}1${'}`'.repeat(n)};`,
  'plus chain': (n) => `x="a"${'+"a"'.repeat(n)};`,
  'or chain': (n) => `x=a${'||a'.repeat(n)};`,
}

function survives(make, n) {
  try {
    const r = scan(make(n), { file: 'deep.js', maxDepth: 1e9 })
    return !r.notes.some((x) => x.code === 'too-deep')
  } catch (e) {
    if (e.code !== 'SECRETGATE_INTERNAL') throw e
    return false
  }
}

const results = {}
for (const [name, make] of Object.entries(shapes)) {
  let lo = 1
  let hi = 200000
  if (survives(make, hi)) {
    results[name] = `>= ${hi}`
    continue
  }
  while (hi - lo > Math.max(1, lo / 50)) {
    const mid = Math.floor((lo + hi) / 2)
    if (survives(make, mid)) lo = mid
    else hi = mid
  }
  results[name] = lo
}
for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(12)} survives depth ${v}`)
