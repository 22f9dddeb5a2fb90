'use strict'
// Fresh, format-valid, fake keys for tests: random bodies made at run time, so no real credential
// ever sits in the repository and the repository passes its own scan. Each call returns a new key.
const crypto = require('node:crypto')

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const UPPER32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const HEX = '0123456789abcdef'

// What scanners (ours too) read as a placeholder, which a random body holds now and then (one
// AWS key id in ~5,000 has XXXX, a Slack id 999999): such a body is drawn again, so that a test
// never fails on a one-in-thousands key. How often real keys look like this is the quality
// benchmark's business, not the suites'.
const PLACEHOLDER_LIKE = /(.)\1{5}|xxxx|todo|\*\*\*\*/i

function randomFrom(alphabet, n) {
  for (;;) {
    const bytes = crypto.randomBytes(n)
    let s = ''
    for (let i = 0; i < n; i++) s += alphabet[bytes[i] % alphabet.length]
    if (n < 4 || !PLACEHOLDER_LIKE.test(s)) return s
  }
}

function crc32(str) {
  let c = ~0
  for (let i = 0; i < str.length; i++) {
    c ^= str.charCodeAt(i)
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1))
  }
  return ~c >>> 0
}

function base62(n, width) {
  let s = ''
  while (n > 0) { s = BASE62[n % 62] + s; n = Math.floor(n / 62) }
  return s.padStart(width, '0')
}

/** GitHub-style token: prefix + 30 random base62 chars + 6-char base62 CRC32 of those 30. */
function checksummed(prefix) {
  const body = randomFrom(BASE62, 30)
  return prefix + body + base62(crc32(body), 6)
}

const fakeKeys = {
  githubToken: () => checksummed('ghp_'),
  npmToken: () => checksummed('npm_'),
  stripeSecret: () => 'sk_live_' + randomFrom(BASE62, 24),
  stripeRestricted: () => 'rk_live_' + randomFrom(BASE62, 24),
  stripePublishable: () => 'pk_live_' + randomFrom(BASE62, 24),
  awsAccessKeyId: () => 'AKIA' + randomFrom(UPPER32, 16),
  awsSecretAccessKey: () => randomFrom(B64, 40),
  openaiKey: () => 'sk-proj-' + randomFrom(BASE62, 74) + 'T3BlbkFJ' + randomFrom(BASE62, 74),
  slackBotToken: () => `xoxb-${randomFrom('0123456789', 12)}-${randomFrom('0123456789', 13)}-${randomFrom(BASE62, 24)}`,
  sendgridKey: () => `SG.${randomFrom(BASE62, 22)}.${randomFrom(BASE62, 43)}`,
  hex: (n) => randomFrom(HEX, n),
}

module.exports = { fakeKeys, crc32, base62, randomFrom, BASE62 }
