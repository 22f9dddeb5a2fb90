'use strict'
// The places a key ends up in a shipped front end, as files: each shape plants one key into one
// small, realistic file (minified chunk, config object, fetch headers, template literal, string
// halves joined by the minifier's `+`, a longer string or JSON asset, an inline <script>, a source
// map's sourcesContent). A rule that needs a name gets it the way real code gives it.

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** A JavaScript string literal (double quotes) for any value, newlines included. */
const js = (s) => JSON.stringify(s)
/** A template literal body. */
const tpl = (s) => s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')
/** A property key: bare when it is an identifier, quoted otherwise. */
const prop = (name) => (IDENT.test(name) ? name : js(name))

/**
 * The files for one labeled key.
 * @param {{ value: string, name: string|null, hint: string|null }} key
 * @returns {{ shape: string, file: string, content: string }[]} file names are relative, unique per shape
 */
function plant(key) {
  const { value, name } = key
  const hint = key.hint ? `/* "type": "${key.hint}" */\n` : ''
  const id = name && IDENT.test(name) ? name : 'e'
  const half = Math.max(1, Math.floor(value.length / 2))
  const named = name !== null
  const out = []
  out.push({
    shape: 'minified',
    file: 'min.js',
    content: named
      ? `${hint}!function(){"use strict";var n={${prop(name)}:${js(value)}},t=document.createElement("div");t.id="app",r(n,t)}();`
      : `${hint}!function(){"use strict";var e=${js(value)},t=document.createElement("div");t.id="app",r(e,t)}();`,
  })
  out.push({
    shape: 'object config',
    file: 'config.js',
    content: `${hint}export const config = {\n  region: "eu-west-1",\n  ${prop(name || 'apiKey')}: ${js(value)},\n  retries: 3,\n};\n`,
  })
  out.push({
    shape: 'fetch headers',
    file: 'fetch.js',
    content: named
      ? `${hint}export async function load(){const r=await fetch("/v1/items",{method:"POST",headers:{"Content-Type":"application/json",${js(name)}:${js(value)}}});return r.json()}\n`
      : `${hint}export async function load(){const r=await fetch("/v1/items",{method:"POST",headers:{"Content-Type":"application/json","X-Client-Key":${js(value)}}});return r.json()}\n`,
  })
  out.push({
    shape: 'template literal',
    file: 'template.js',
    content: `${hint}const ${id} = \`${tpl(value)}\`;\nexport default ${id};\n`,
  })
  out.push({
    shape: 'concatenated halves',
    file: 'concat.js',
    content: `${hint}var ${id}=${js(value.slice(0, half))}+${js(value.slice(half))};module.exports={${prop(name || 'key')}:${id}};\n`,
  })
  out.push(
    named
      ? {
          shape: 'longer string',
          file: 'settings.json',
          content: JSON.stringify({ app: 'shop', features: { cart: true }, services: { [name]: value, region: 'eu' } }, null, 2) + (key.hint ? `\n` : ''),
        }
      : {
          shape: 'longer string',
          file: 'url.js',
          content: `${hint}export const endpoint = ${js(`https://api.example.test/v2/send?key=${value}&format=json`)};\nexport const payload = ${js(JSON.stringify({ client: 'web', token: value }))};\n`,
        },
  )
  if (key.hint && named) out[out.length - 1].content = JSON.stringify({ type: key.hint, [name]: value }, null, 2)
  out.push({
    shape: 'html inline script',
    file: 'index.html',
    content: `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>\n<script>${hint.replace(/\n/g, ' ')}window.__APP_CONFIG__={${js(name || 'apiKey')}:${js(value)},build:"1.4.2"};</script>\n<script type="module" src="/assets/index.js"></script></head><body><div id="app"></div></body></html>\n`,
  })
  const source = named
    ? `${hint}// src/config.ts\nexport const ${id === 'e' ? 'settings' : id} = { ${prop(name)}: ${js(value)} } as const;\n`
    : `${hint}// src/config.ts\nexport const client = createClient(${js(value)});\n`
  out.push({
    shape: 'source map',
    file: 'app.js.map',
    content: JSON.stringify({ version: 3, file: 'app.js', sources: ['../src/config.ts'], sourcesContent: [source], names: [], mappings: 'AAAA' }),
  })
  return out
}

const SHAPES = ['minified', 'object config', 'fetch headers', 'template literal', 'concatenated halves', 'longer string', 'html inline script', 'source map']

module.exports = { plant, SHAPES }
