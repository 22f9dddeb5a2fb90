'use strict'
// Seed inputs for the fuzz targets (scripts/fuzz.js) and the reliability tests: small JS, HTML,
// JSON, CSS, source-map and text files holding fake keys made at run time, so the repository
// never stores a key-shaped literal (the committed corpus is an xz archive for the same reason).
const crypto = require('node:crypto')
const { fakeKeys, randomFrom, BASE62 } = require('../../js/helpers/fake-keys.js')

const B64URL = BASE62 + '-_'
const b64url = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url')

/** A JWT with a Supabase-like service role claim and a random signature. */
function jwt(role = 'service_role') {
  return `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ iss: 'supabase', role, iat: 1700000000, exp: 4102444800 })}.${randomFrom(B64URL, 43)}`
}

/** A freshly generated private key in PEM (PKCS#8), never used for anything. */
function pem(type = 'ec') {
  const opts = type === 'ec' ? { namedCurve: 'P-256' } : type === 'rsa' ? { modulusLength: 1024 } : {}
  return crypto.generateKeyPairSync(type, opts).privateKey.export({ type: 'pkcs8', format: 'pem' }).trim()
}

/** One fake key of every generator, by name. */
function allKeys() {
  const out = {}
  for (const [name, make] of Object.entries(fakeKeys)) out[name] = name === 'hex' ? make(40) : make()
  out.jwt = jwt()
  out.pem = pem()
  out.urlCreds = `postgres://admin:${randomFrom(BASE62, 20)}@db.prod-cluster.net:5432/app`
  return out
}

// Base64 VLQ for source-map `mappings`.
const VLQ = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
function vlq(n) {
  let v = n < 0 ? (-n << 1) | 1 : n << 1
  let s = ''
  do {
    let digit = v & 31
    v >>>= 5
    if (v > 0) digit |= 32
    s += VLQ[digit]
  } while (v > 0)
  return s
}

/** A source map that maps line i of the bundle to line i of `sources[0]`. */
function lineMap(lines, sources, sourcesContent) {
  const segs = []
  for (let i = 0; i < lines; i++) segs.push(i === 0 ? 'AAAA' : 'AACA')
  return JSON.stringify({ version: 3, file: 'bundle.js', sources, sourcesContent, names: [], mappings: segs.join(';') })
}

/** Seeds for each fuzz target: arrays of strings. */
function seeds() {
  const k = allKeys()
  const js = [
    `const stripe = new Stripe("${k.stripeSecret}"); export default stripe;`,
    `fetch("/api",{headers:{Authorization:"Bearer ${k.githubToken}"}}).then(r=>r.json())`,
    `var c={apiKey:"${k.awsAccessKeyId}",secretAccessKey:"${k.awsSecretAccessKey}"};`,
    `const t = \`${k.slackBotToken.slice(0, 10)}\${x}${k.slackBotToken.slice(10)}\`;`,
    `let a = "${k.sendgridKey.slice(0, 12)}" + "${k.sendgridKey.slice(12)}";`,
    `// secretgate-ignore-next-line demo\nconst OPENAI="${k.openaiKey}";`,
    `function App(){return <div data-key="${k.npmToken}">{"x"}</div>}`,
    `enum K { A = "${k.stripeRestricted}" }\nconst x: string = 'pk';`,
    `const sb = createClient(url, "${k.jwt}")`,
    `const db = "${k.urlCreds}"; const h = "${k.hex}";`,
    `x = ((((a ? b : c) => [{ k: \`\${(1)}\` }])))`,
    `a = /re[g]ex\\/"/g.test('"'); b = 1 / 2 / 3; c = \`\${ \`\${ 1 }\` }\``,
    `const key = atob("${Buffer.from(k.stripeSecret).toString('base64')}")`,
  ]
  const html = [
    `<!doctype html><html><head><meta name="api-key" content="${k.stripeSecret}"></head><body><script>window.k="${k.githubToken}"</script></body></html>`,
    `<div onclick="fetch('/x',{headers:{'X-Key':'${k.sendgridKey}'}})">x</div>`,
    `<script type="application/json" id="cfg">{"token":"${k.slackBotToken}"}</script><script src=a.js></script>`,
    `<script type="module">import x from "./a.js"; const aws = "${k.awsAccessKeyId}"</script><SCRIPT>unterminated`,
    `<a href="${k.urlCreds}">db</a><img src=x alt='${k.hex}'>`,
  ]
  const json = [
    JSON.stringify({ apiKey: k.stripeSecret, nested: { list: [k.githubToken, 1, null, true] } }),
    JSON.stringify([{ token: k.jwt }, { secret: k.hex }, '\u00e9\ud83d\ude00']),
    `{"escaped":"${k.npmToken.slice(0, 4)}\\u00${'5f'}${k.npmToken.slice(4)}","n":-1.5e3}`,
    `"${k.openaiKey}"`,
  ]
  const css = [
    `:root{--api-key:"${k.stripeSecret}"}\n.a{background:url("${k.urlCreds}")}`,
    `/* token: ${k.githubToken} */ @import url(x.css); .b::after{content:'${k.hex}'}`,
  ]
  const sourcemap = [
    lineMap(2, ['webpack://app/src/config.ts', 'src/App.vue'], [`export const key = "${k.stripeSecret}"\n// secretgate-ignore x\nconst t = "${k.githubToken}"`, `<template><div/></template><script>const k="${k.slackBotToken}"</script>`]),
    JSON.stringify({ version: 3, sections: [{ offset: { line: 0, column: 0 }, map: JSON.parse(lineMap(1, ['a.js'], [`k="${k.awsAccessKeyId}"`])) }] }),
    lineMap(1, [null, 'x.svelte', 'y.map'], [null, `<script>let s = "${k.sendgridKey}"</script>`, `"${k.jwt}"`]),
  ]
  const text = [
    `STRIPE_SECRET_KEY=${k.stripeSecret}\nAWS_ACCESS_KEY_ID=${k.awsAccessKeyId}\nAWS_SECRET_ACCESS_KEY=${k.awsSecretAccessKey}\n`,
    k.pem,
    `Authorization: Basic ${Buffer.from('admin:' + randomFrom(BASE62, 16)).toString('base64')}\ntoken: '${k.jwt}'`,
    `password = "${randomFrom(BASE62, 24)}"; secret: ${k.hex}`,
  ]
  const bundleLines = [`const a = 1;`, `const key = "${k.stripeSecret}";`, `const gh = "${k.githubToken}"; // secretgate-ignore fixture`]
  const bundle = bundleLines.join('\n')
  const map = lineMap(3, ['src/config.js'], [`const a = 1;\n// secretgate-ignore-next-line test\nconst key = "${k.stripeSecret}";`])
  return {
    scan_js: js,
    scan_html: html,
    scan_json: json,
    scan_css: css,
    scan_sourcemap: sourcemap,
    scan_text: text,
    bundle_map: [`${bundle}\0${map}`, `${bundle}\0{"version":3,"sources":[],"mappings":";;;;;;;;;;AAAA"}`, `<script>${bundle}</script>\0${map}`],
    html_extract: html,
    scanner_config: [],
  }
}

module.exports = { seeds, allKeys, jwt, pem, lineMap, vlq }
