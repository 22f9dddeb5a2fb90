'use strict'
// Files that must never be deployed, whatever else they contain: `.env` files, private keys,
// package-manager and netrc credentials, `.git/` folders, and source maps that carry server-side
// code. Findings use the core's Finding shape; they name the file and what is in it, never a value.
const crypto = require('node:crypto')

const DEPLOY_RULES = [
  {
    id: 'deploy-env-file',
    severity: 'error',
    kind: 'secret',
    title: '.env file in deployable output',
    description: 'A .env file is in the output folder: web servers serve it to anyone who asks for /.env.',
    help: 'Remove the .env file from the output folder (check the bundler\'s public/ or copy settings), keep it out of the deploy, and rotate any secret it held if it was ever deployed.',
  },
  {
    id: 'deploy-private-key-file',
    severity: 'error',
    kind: 'secret',
    title: 'Private key file in deployable output',
    description: 'A private key file (id_rsa, *.pem, *.key, *.p12...) is in the output folder.',
    help: 'Remove the key from the output folder and rotate it: a deployed private key must be considered compromised.',
  },
  {
    id: 'deploy-credentials-file',
    severity: 'error',
    kind: 'secret',
    title: 'Credentials file in deployable output',
    description: 'A credentials file (.npmrc, .pypirc, .netrc, .git-credentials, AWS credentials...) holding a credential is in the output folder.',
    help: 'Remove the file from the output folder and rotate the credential it holds.',
  },
  {
    id: 'deploy-git-folder',
    severity: 'error',
    kind: 'generic',
    title: '.git folder in deployable output',
    description: 'A .git folder is in the output folder: it lets anyone download the repository, its history and any secret ever committed.',
    help: 'Remove the .git folder from the output folder (deploy a build artifact, not a checkout).',
  },
  {
    id: 'deploy-server-source-map',
    severity: 'warning',
    kind: 'generic',
    title: 'Source map carrying server-side code',
    description: 'A deployed source map embeds server-side code in its sourcesContent, which reveals server logic and often server-only configuration.',
    help: 'Do not deploy source maps of server bundles; exclude server code from client maps, or build maps with sourcesContent disabled (or hidden maps uploaded to your error tracker only). If this output never reaches a browser, list it in `serverOutput`.',
  },
]

const RULE = Object.fromEntries(DEPLOY_RULES.map((r) => [r.id, r]))

function fingerprint(ruleId, rel) {
  return crypto.createHash('sha256').update(`${ruleId}\0${rel}`).digest('hex').slice(0, 32)
}

function lineColumnAt(text, offset) {
  let line = 1
  let lineStart = 0
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++
    lineStart = i + 1
  }
  return { line, column: offset - lineStart + 1 }
}

/**
 * A finding in the core's shape. `span` = { text, start, end } in string offsets (UTF-16) of the
 * decoded text; start/end of the finding are byte offsets, as in the core.
 */
function makeFinding(ruleId, { file, rel, message, span = null, original = null, severity = null }) {
  const rule = RULE[ruleId]
  let loc = { line: 1, column: 1, endLine: 1, endColumn: 1, start: 0, end: 0 }
  if (span) {
    const a = lineColumnAt(span.text, span.start)
    const b = lineColumnAt(span.text, span.end)
    loc = {
      line: a.line, column: a.column, endLine: b.line, endColumn: b.column,
      start: Buffer.byteLength(span.text.slice(0, span.start)),
      end: Buffer.byteLength(span.text.slice(0, span.end)),
    }
  }
  return {
    ruleId,
    provider: 'secretgate',
    severity: severity || rule.severity,
    kind: rule.kind,
    message: `${message} See docs/rules.md#${ruleId}.`,
    file,
    ...loc,
    secret: '',
    fingerprint: fingerprint(ruleId, rel),
    context: null,
    call: null,
    envVar: null,
    original,
    suppressed: null,
  }
}

const ENV_TEMPLATE = /^\.env\.(example|sample|template|dist|defaults|schema)$/i
const KEY_NAMES = /^(id_rsa|id_dsa|id_ecdsa|id_ed25519|id_ecdsa_sk|id_ed25519_sk|identity)$/
const KEY_EXTENSIONS = /\.(pem|key|ppk|p8|privkey)$/i
const KEYSTORE_EXTENSIONS = /\.(p12|pfx|jks|keystore)$/i
const PRIVATE_KEY = /-----BEGIN ((?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP |SSH2 )?PRIVATE KEY(?: BLOCK)?)-----/
const PUTTY_KEY = /^PuTTY-User-Key-File-\d+:/m

// A value that is really a reference to an env var, not a credential (`${NPM_TOKEN}`).
const isReference = (v) => /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(v.trim()) || v.trim() === ''

/** Which credentials file `name` is (its value pattern and how it is named), or null. */
function credentialsFileName(name, rel) {
  const lower = name.toLowerCase()
  if (lower === '.npmrc' || lower === 'npmrc' || lower === '.yarnrc' || lower === '.yarnrc.yml') {
    return { re: /^[ \t]*(?:[^\n=:]*:)?_?(authToken|auth|password|npmAuthToken|npmAuthIdent)[ \t]*[=:][ \t]*["']?([^\s"'\n]+)/gm, what: name }
  } else if (lower === '.pypirc') {
    return { re: /^[ \t]*(password)[ \t]*[=:][ \t]*(\S+)/gm, what: name }
  } else if (lower === '.netrc' || lower === '_netrc') {
    return { re: /\b(password)[ \t]+(\S+)/g, what: name }
  } else if (lower === '.git-credentials') {
    return { re: /^[a-z][a-z0-9+.-]*:\/\/[^:\s/@]+:([^@\s]+)@/gm, what: '.git-credentials' }
  } else if (lower === 'credentials' || lower === '.aws-credentials') {
    return { re: /^[ \t]*(aws_secret_access_key|aws_session_token)[ \t]*=[ \t]*(\S+)/gm, what: name }
  } else if (lower === '.dockercfg' || /(^|\/)\.docker\/config\.json$/.test(rel)) {
    return { re: /"(auth|identitytoken)"[ \t]*:[ \t]*"([^"]+)"/g, what: name }
  }
  return null
}

/** The first credential in `text`, the content of the credentials file credentialsFileName named. */
function credentialsFinding({ re, what }, text) {
  let m
  while ((m = re.exec(text)) !== null) {
    const value = m[m.length - 1]
    if (isReference(value)) continue
    const keyName = m.length > 2 ? m[1] : 'password'
    const start = m.index + m[0].length - value.length
    return { what, keyName, span: { text, start, end: start + value.length } }
  }
  return null
}

/**
 * Deploy findings for one file. `name` is the base name, `rel` the path inside its scanned root,
 * `file` the path shown in findings, `text` the decoded content (null for a binary file),
 * `serverSource` the core report's `serverSource` for a source map (server code in its
 * sourcesContent), `normalizeSource` turns a map source into a display path (optional).
 */
function checkDeployFile({ file, rel, name, text: given = null, serverSource = null, normalizeSource = (s) => s }) {
  const findings = []
  // `text` may be a function: a bundle's bytes are then decoded only if a check reads them (most
  // files are judged by name alone, and decoding every bundle cost 8% of a corpus scan)
  let decoded = typeof given === 'function' ? undefined : given
  const textOf = () => (decoded === undefined ? (decoded = given() ?? null) : decoded)
  const base = name || rel.split('/').pop()
  if (base === '.env' || (base.startsWith('.env.') && !/\.(js|mjs|cjs|ts|map|json|html|css)$/.test(base))) {
    const names = []
    const text = textOf()
    if (text) for (const m of text.matchAll(/^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)[ \t]*=/gm)) names.push(m[1])
    const template = ENV_TEMPLATE.test(base)
    const listed = names.length ? ` defining ${names.length} variable${names.length === 1 ? '' : 's'} (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})` : ''
    findings.push(makeFinding('deploy-env-file', {
      file, rel,
      severity: template ? 'warning' : null,
      message: template
        ? `Env template file ${base}${listed} is in the output folder; it should not be deployed.`
        : `Env file ${base}${listed} is in the output folder and would be served to anyone who requests it.`,
    }))
  }
  const keyByName = KEY_NAMES.test(base)
  const keyByExt = KEY_EXTENSIONS.test(base)
  if (keyByName || keyByExt) {
    const text = textOf()
    const m = text ? PRIVATE_KEY.exec(text) || PUTTY_KEY.exec(text) : null
    if (m) {
      const header = m[1] ? m[1].trim() : 'PuTTY private key'
      const endMarker = m[1] ? text.indexOf(`-----END ${m[1]}-----`, m.index) : -1
      const end = endMarker === -1 ? m.index + m[0].length : endMarker + `-----END ${m[1]}-----`.length
      findings.push(makeFinding('deploy-private-key-file', {
        file, rel, span: { text, start: m.index, end },
        message: `Private key file ${base} (${header}) is in the output folder.`,
      }))
    } else if (keyByName) {
      findings.push(makeFinding('deploy-private-key-file', { file, rel, message: `SSH private key file ${base} is in the output folder.` }))
    }
  }
  if (KEYSTORE_EXTENSIONS.test(base)) {
    findings.push(makeFinding('deploy-private-key-file', { file, rel, message: `Key store ${base} (may hold private keys) is in the output folder.` }))
  }
  const credentials = credentialsFileName(base, rel)
  if (credentials && textOf()) {
    const cred = credentialsFinding(credentials, textOf())
    if (cred) {
      findings.push(makeFinding('deploy-credentials-file', {
        file, rel, span: cred.span,
        message: `Credentials file ${cred.what} holding a credential (${cred.keyName}) is in the output folder.`,
      }))
    }
  }
  // the core finds server code in a map's sourcesContent while it scans the map (one JSON
  // parse, in Rust); the caller passes what it found
  if (serverSource && /\.map$/i.test(base)) {
    const shown = normalizeSource(serverSource.source)
    findings.push(makeFinding('deploy-server-source-map', {
      file, rel,
      original: { file: shown, line: serverSource.line, column: serverSource.column },
      message: `Source map ${base} embeds server-side code in sourcesContent (${shown}: ${serverSource.why}).`,
    }))
  }
  return findings
}

/** The finding for a `.git` folder found in the output. */
function gitFolderFinding({ file, rel }) {
  return makeFinding('deploy-git-folder', { file, rel, message: `A .git folder (${file}) is in the output folder: anyone can download the repository and its history.` })
}

module.exports = { checkDeployFile, gitFolderFinding, DEPLOY_RULES }
