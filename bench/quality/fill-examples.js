'use strict'
// Writes fresh fake examples into rule files: in `src/rules/*.rs`, every `GEN` inside a rule's
// `examples` becomes a key from keygen.js and every `NEG` inside `negatives` becomes two near
// misses (the key cut short, and its body replaced by a placeholder; for rules that need a name,
// the value under an unrelated name and a placeholder under the right one). Run it after adding a
// rule with `examples: &[GEN], negatives: &[NEG]`:  node bench/quality/fill-examples.js
const fs = require('node:fs')
const path = require('node:path')
const { generate } = require('./keygen')

const root = path.join(__dirname, '..', '..')
const dir = path.join(root, 'src', 'rules')

/** A Rust string literal for `s`. */
function lit(s) {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`
}

function negatives(id, prefixes, g) {
  const prefix = prefixes.find((p) => g.value.startsWith(p)) || ''
  const body = g.value.slice(prefix.length)
  const short = g.value.slice(0, prefix.length + Math.min(6, Math.floor(body.length / 3)))
  const placeholder = prefix + 'x'.repeat(Math.max(body.length, 8))
  if (g.name) return [`title=${g.value}`, `${g.name}=${placeholder}`]
  return [short, placeholder]
}

let filled = 0
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.rs'))) {
  const full = path.join(dir, file)
  const src = fs.readFileSync(full, 'utf8')
  if (!/\bGEN\b|\bNEG\b/.test(src)) continue
  // Split into rule blocks by `rule! {` so each placeholder knows its rule id.
  const parts = src.split(/(?=\n    rule! \{)/)
  const out = parts.map((block) => {
    const id = (block.match(/id: "([^"]+)"/) || [])[1]
    if (!id || !/\bGEN\b|\bNEG\b/.test(block)) return block
    const prefixes = [...((block.match(/prefixes: &\[([^\]]*)\]/) || [])[1] || '').matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1])
    const g = generate(id)
    if (!g) throw new Error(`no generator for ${id} (add one to bench/quality/keygen.js)`)
    const example = g.name ? `${g.name}=${g.value}` : g.value
    filled++
    return block
      .replace(/\bGEN\b/, lit(example))
      .replace(/\bNEG\b/, negatives(id, prefixes, generate(id)).map(lit).join(', '))
  })
  fs.writeFileSync(full, out.join(''))
}
console.log(`filled ${filled} rules`)
