'use strict'
// Planted fake secrets for the leak tests: one of every kind the rules know, made at run time,
// each with the parts that must never be printed (`cores`: the random part, without the
// provider's fixed prefix that redaction keeps). `leaks(text)` lists every secret whose whole
// value, or any 12-character window of its random part, appears in `text` (redaction shows at
// most four characters after the prefix, so a 12-character window is always a leak).
const { allKeys } = require('./seeds.js')
const { randomFrom, BASE62 } = require('../../js/helpers/fake-keys.js')

const WINDOW = 12

function plant() {
  const k = allKeys()
  const list = []
  const add = (name, value, cores) => list.push({ name, value, cores: cores || [value.slice(8)] })
  add('stripe', k.stripeSecret)
  add('stripeRestricted', k.stripeRestricted)
  add('github', k.githubToken)
  add('npm', k.npmToken)
  add('awsId', k.awsAccessKeyId)
  add('awsSecret', k.awsSecretAccessKey, [k.awsSecretAccessKey])
  add('openai', k.openaiKey)
  add('slack', k.slackBotToken)
  add('sendgrid', k.sendgridKey)
  add('jwt', k.jwt, [k.jwt.split('.')[2]])
  add('pem', k.pem, k.pem.split('\n').filter((l) => !l.startsWith('-----')))
  const dbPassword = k.urlCreds.match(/admin:([^@]+)@/)[1]
  add('dbUrl', k.urlCreds, [dbPassword])
  const password = randomFrom(BASE62, 14) + '7' + randomFrom(BASE62, 9)
  add('password', password, [password])
  const ignored = require('../../js/helpers/fake-keys.js').fakeKeys.stripeSecret()
  add('ignored', ignored)
  const envValue = randomFrom(BASE62, 36)
  add('envValue', envValue, [envValue])
  const byName = Object.fromEntries(list.map((s) => [s.name, s.value]))
  return { list, ...byName }
}

/** Names of the planted secrets whose value or random part shows in `text`. */
function leaks(planted, text) {
  const out = []
  for (const s of planted.list) {
    if (text.includes(s.value)) {
      out.push(`${s.name} (whole value)`)
      continue
    }
    let hit = null
    for (const core of s.cores) {
      for (let i = 0; i + WINDOW <= core.length && !hit; i++) {
        const w = core.slice(i, i + WINDOW)
        // Escaped forms too: JSON and JS escape nothing in these alphabets but `/` and `+`.
        if (text.includes(w) || text.includes(w.replace(/\//g, '\\/'))) hit = `${s.name} (part of its random body)`
      }
    }
    if (hit) out.push(hit)
  }
  return out
}

/** A JS module assigning every planted secret to a telling name; the last one is ignored inline. */
function settingsModule(p) {
  return [
    'export const settings = {',
    `  stripeSecretKey: "${p.stripe}",`,
    `  stripeRestricted: "${p.stripeRestricted}",`,
    `  githubToken: "${p.github}",`,
    `  npmToken: "${p.npm}",`,
    `  aws: { accessKeyId: "${p.awsId}", secretAccessKey: "${p.awsSecret}" },`,
    `  openaiApiKey: "${p.openai}",`,
    `  slackToken: "${p.slack}",`,
    `  sendgridApiKey: "${p.sendgrid}",`,
    `  supabaseKey: "${p.jwt}",`,
    `  databaseUrl: "${p.dbUrl}",`,
    `  password: "${p.password}",`,
    `  privateKey: ${JSON.stringify(p.pem)},`,
    `  demo: "${p.ignored}", // secretgate-ignore demo key for the leak test`,
    '}',
    '',
  ].join('\n')
}

module.exports = { plant, leaks, settingsModule }
