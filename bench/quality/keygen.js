'use strict'
// Fresh, format-valid fake keys for every rule, written from each provider's documented key format
// (not from the rule's regex), so the quality benchmark measures the rules against the formats and
// not against themselves. `node bench/quality/keygen.js <rule-id> [n]` prints keys for one rule.
//
// Each entry: `gen()` returns the text to plant (usually the bare key; for some rules the key with
// what makes it recognisable, such as `SSWS ` before an Okta token), and `name` is the variable or
// property it is assigned to in the planted code, for rules that need a name around a shape-only
// value. Bodies are random at run time: no real credential, no fixed test vector.
const crypto = require('node:crypto')

const HEX = '0123456789abcdef'
const HEXU = '0123456789ABCDEF'
const DIGITS = '0123456789'
const LOWER = 'abcdefghijklmnopqrstuvwxyz'
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const ALPHA = UPPER + LOWER
const B62 = DIGITS + UPPER + LOWER
const LOWNUM = LOWER + DIGITS
const UPNUM = UPPER + DIGITS
const B64 = UPPER + LOWER + DIGITS + '+/'
const B64URL = UPPER + LOWER + DIGITS + '-_'
const B32U = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const B32L = B32U.toLowerCase()
const BECH32 = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L'

/** `n` characters of `alphabet`, with no run of three equal characters (placeholders have runs). */
function r(alphabet, n) {
  let s = ''
  while (s.length < n) {
    const b = crypto.randomBytes(1)[0]
    if (b >= 256 - (256 % alphabet.length)) continue
    const c = alphabet[b % alphabet.length]
    if (s.length >= 2 && s[s.length - 1] === c && s[s.length - 2] === c) continue
    s += c
  }
  return s
}
const pick = (list) => list[crypto.randomBytes(1)[0] % list.length]
const int = (lo, hi) => lo + (crypto.randomBytes(4).readUInt32BE(0) % (hi - lo + 1))
const uuid = () => `${r(HEX, 8)}-${r(HEX, 4)}-4${r(HEX, 3)}-${pick(['8', '9', 'a', 'b'])}${r(HEX, 3)}-${r(HEX, 12)}`
const b64 = (buf) => Buffer.from(buf).toString('base64')
const b64url = (buf) => Buffer.from(buf).toString('base64url')

function crc32(bytes) {
  let c = ~0
  for (const b of bytes) {
    c ^= b
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1))
  }
  return ~c >>> 0
}
function base62(n, width) {
  let s = ''
  while (n > 0) {
    s = B62[n % 62] + s
    n = Math.floor(n / 62)
  }
  return s.padStart(width, '0')
}
/** GitHub and npm: 30 random base62 characters, then their CRC32 as 6 base62 characters. */
function crcToken(prefix) {
  const body = r(B62, 30)
  return prefix + body + base62(crc32(Buffer.from(body)), 6)
}

/** Bech32 checksum (BIP 173), as age uses for its keys. */
function bech32Polymod(values) {
  const G = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
  let chk = 1
  for (const v of values) {
    const top = chk >>> 25
    chk = ((chk & 0x1ffffff) << 5) ^ v
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= G[i]
  }
  return chk >>> 0
}
function bech32Encode(hrp, data5) {
  const expand = [...hrp].map((c) => c.charCodeAt(0) >> 5).concat([0], [...hrp].map((c) => c.charCodeAt(0) & 31))
  const mod = bech32Polymod(expand.concat(data5, [0, 0, 0, 0, 0, 0])) ^ 1
  const check = []
  for (let i = 0; i < 6; i++) check.push((mod >>> (5 * (5 - i))) & 31)
  const cs = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
  return hrp + '1' + data5.concat(check).map((d) => cs[d]).join('')
}
function ageSecretKey() {
  const bytes = crypto.randomBytes(32)
  const data5 = []
  let acc = 0
  let bits = 0
  for (const b of bytes) {
    acc = (acc << 8) | b
    bits += 8
    while (bits >= 5) {
      bits -= 5
      data5.push((acc >>> bits) & 31)
    }
  }
  if (bits > 0) data5.push((acc << (5 - bits)) & 31)
  return bech32Encode('age-secret-key-', data5).toUpperCase()
}

/** A signed-looking JWT with the given claims (the signature is random: no key signs it). */
function jwt(claims, header = { alg: 'HS256', typ: 'JWT' }) {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}.${r(B64URL, 43)}`
}
const now = () => Math.floor(Date.now() / 1000)

/** DER-looking body: a SEQUENCE header then random bytes, wrapped at 64 columns. */
function pemBody(kind) {
  let der
  if (kind === 'OPENSSH') der = Buffer.concat([Buffer.from('openssh-key-v1\0'), crypto.randomBytes(300)])
  else der = Buffer.concat([Buffer.from([0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00]), crypto.randomBytes(300)])
  return b64(der).match(/.{1,64}/g).join('\n')
}
function pem(kind) {
  const label = kind ? `${kind} PRIVATE KEY` : 'PRIVATE KEY'
  return `-----BEGIN ${label}-----\n${pemBody(kind)}\n-----END ${label}-----`
}
function pgpPrivate() {
  const body = b64(Buffer.concat([Buffer.from([0x95, 0x03, 0xc6]), crypto.randomBytes(280)])).match(/.{1,64}/g).join('\n')
  return `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n${body}\n=${r(B64, 4)}\n-----END PGP PRIVATE KEY BLOCK-----`
}
const password = () => r(B62, 8) + pick(['!', '#', '%', '*', '-']) + r(B62, 13)

/** Rule id → generator. Every rule with a pattern needs one (the benchmark reports gaps). */
const GENERATORS = {
  // Cloud
  'aws-access-key-id': { gen: () => pick(['AKIA', 'ASIA']) + r(B32U, 16) },
  'aws-secret-access-key': { name: 'awsSecretAccessKey', gen: () => r(B62 + '+/', 40) },
  'aws-session-token': { name: 'AWS_SESSION_TOKEN', gen: () => 'IQoJb3JpZ2luX2Vj' + r(B62 + '+/', 200) },
  'google-api-key': { gen: () => 'AIza' + r(B64URL, 35) },
  'firebase-web-api-key': { name: 'firebaseApiKey', gen: () => 'AIza' + r(B64URL, 35) },
  'gcp-service-account-key': { name: 'private_key', hint: 'service_account', gen: () => pem('') },
  'google-oauth-client-secret': { gen: () => 'GOCSPX-' + r(B64URL, 28) },
  'google-oauth-access-token': { gen: () => 'ya29.' + r(B64URL, 150) },
  'google-oauth-refresh-token': { gen: () => '1//0' + r(B64URL, 100) },
  'azure-storage-connection-string': {
    gen: () => `DefaultEndpointsProtocol=https;AccountName=${r(LOWNUM, 12)};AccountKey=${b64(crypto.randomBytes(64))};EndpointSuffix=core.windows.net`,
  },
  'azure-service-bus-connection-string': {
    gen: () => `Endpoint=sb://${r(LOWER, 10)}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${b64(crypto.randomBytes(32))}`,
  },
  'azure-ad-client-secret': { gen: () => r(B62, 3) + r(DIGITS, 1) + 'Q~' + r(B62 + '_~.-', 34) },
  'azure-devops-pat': { name: 'AZURE_DEVOPS_PAT', gen: () => r(B32L, 52) },
  'azure-openai-api-key': { name: 'AZURE_OPENAI_API_KEY', gen: () => r(HEX, 32) },
  'digitalocean-token': { gen: () => pick(['dop_v1_', 'doo_v1_', 'dor_v1_']) + r(HEX, 64) },
  'cloudflare-api-token': { name: 'CLOUDFLARE_API_TOKEN', gen: () => r(B64URL, 40) },
  'cloudflare-global-api-key': { name: 'CLOUDFLARE_GLOBAL_API_KEY', gen: () => r(HEX, 37) },
  'cloudflare-origin-ca-key': { gen: () => `v1.0-${r(HEX, 24)}-${r(HEX, 146)}` },
  'cloudflare-r2-secret-access-key': { name: 'R2_SECRET_ACCESS_KEY', gen: () => r(HEX, 64) },
  'alibaba-access-key-id': { gen: () => 'LTAI' + r(B62, 20) },
  'alibaba-access-key-secret': { name: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', gen: () => r(B62, 30) },
  'tencent-cloud-secret-id': { gen: () => 'AKID' + r(B62, 32) },
  'yandex-cloud-api-key': { gen: () => 'AQVN' + r(B64URL, 36) },
  'ibm-cloud-api-key': { name: 'IBM_CLOUD_API_KEY', gen: () => r(B64URL, 44) },
  'oracle-cloud-secret-key': { name: 'OCI_CUSTOMER_SECRET_KEY', gen: () => b64(crypto.randomBytes(32)) },
  'heroku-api-key': { gen: () => 'HRKU-AA' + r(B64URL, 58) },
  'heroku-api-key-legacy': { name: 'HEROKU_API_KEY', gen: uuid },
  'vercel-token': { name: 'VERCEL_TOKEN', gen: () => r(B62, 24) },
  'netlify-token': { gen: () => pick(['nfp_', 'nfc_', 'nfo_']) + r(B62, 36) },
  'netlify-token-legacy': { name: 'NETLIFY_AUTH_TOKEN', gen: () => r(B64URL, 43) },
  'flyio-token': { gen: () => pick(['fm2_', 'fo1_']) + r(B64URL, 120) },
  'render-api-key': { gen: () => 'rnd_' + r(B62, 32) },
  'railway-token': { name: 'RAILWAY_TOKEN', gen: uuid },
  'linode-token': { name: 'LINODE_TOKEN', gen: () => r(HEX, 64) },
  'scaleway-access-key': { gen: () => 'SCW' + r(B32U, 17) },
  'scaleway-secret-key': { name: 'SCW_SECRET_KEY', gen: uuid },
  'hetzner-api-token': { name: 'HCLOUD_TOKEN', gen: () => r(B62, 64) },
  'vultr-api-key': { name: 'VULTR_API_KEY', gen: () => r(UPNUM, 36) },
  'pulumi-access-token': { gen: () => 'pul-' + r(HEX, 40) },
  'terraform-cloud-token': { gen: () => `${r(B62, 14)}.atlasv1.${r(B62, 67)}` },
  'doppler-token': { gen: () => pick(['dp.pt.', 'dp.st.', 'dp.sa.']) + r(B62, 43) },
  'vault-token': { gen: () => 'hvs.' + r(B64URL, 91) },
  'onepassword-service-account-token': {
    gen: () => 'ops_' + b64url(JSON.stringify({ signInAddress: 'my.1password.com', userAuth: { method: 'SRPg-4096', alg: 'PBES2g-HS256', iterations: 650000, salt: r(B64URL, 22) }, email: `${r(LOWER, 10)}@1passwordserviceaccounts.com`, srpX: r(HEX, 64), muk: { alg: 'A256GCM', ext: true, k: r(B64URL, 43), key_ops: ['encrypt', 'decrypt'], kty: 'oct', kid: 'mp' }, secretKey: 'A3-' + r(UPNUM, 6), throttleSecret: { seed: r(HEX, 64), uuid: r(UPNUM, 26) }, deviceUuid: r(LOWNUM, 26) })),
  },
  'tailscale-key': { gen: () => `tskey-${pick(['api', 'auth', 'client'])}-k${r(B62, 11)}CNTRL-${r(B62, 32)}` },
  'ngrok-authtoken': { name: 'NGROK_AUTHTOKEN', gen: () => `2${r(B62, 26)}_${r(B62, 21)}` },
  'cloudinary-url': { gen: () => `cloudinary://${r(DIGITS, 15)}:${r(B64URL, 27)}@${r(LOWER, 8)}` },
  'infracost-api-key': { gen: () => 'ico-' + r(B62, 32) },
  'amazon-mws-token': { gen: () => 'amzn.mws.' + uuid() },
  'login-with-amazon-client-secret': { gen: () => 'amzn1.oa2-cs.v1.' + r(HEX, 64) },
  'backblaze-application-key': { name: 'B2_APPLICATION_KEY', gen: () => 'K00' + r(B62 + '+/', 28) },

  // Payments and commerce
  'stripe-secret-key': { gen: () => 'sk_live_51' + r(B62, 97) },
  'stripe-restricted-key': { gen: () => 'rk_live_51' + r(B62, 97) },
  'stripe-test-secret-key': { gen: () => 'sk_test_51' + r(B62, 97) },
  'stripe-publishable-key': { gen: () => 'pk_live_51' + r(B62, 97) },
  'stripe-webhook-secret': { gen: () => 'whsec_' + r(B62, 32) },
  'square-access-token': { gen: () => 'EAAA' + r(B64URL, 60) },
  'square-oauth-secret': { gen: () => 'sq0csp-' + r(B64URL, 43) },
  'square-application-id': { gen: () => 'sq0idp-' + r(B64URL, 22) },
  'shopify-access-token': { gen: () => pick(['shpat_', 'shpca_', 'shppa_']) + r(HEX, 32) },
  'shopify-shared-secret': { gen: () => 'shpss_' + r(HEX, 32) },
  'braintree-access-token': { gen: () => `access_token$production$${r(LOWNUM, 16)}$${r(HEX, 32)}` },
  'braintree-sandbox-access-token': { gen: () => `access_token$sandbox$${r(LOWNUM, 16)}$${r(HEX, 32)}` },
  'braintree-tokenization-key': { gen: () => `production_${r(LOWNUM, 8)}_${r(LOWNUM, 16)}` },
  'paypal-client-secret': { name: 'PAYPAL_CLIENT_SECRET', gen: () => r(B64URL, 80) },
  'adyen-api-key': { gen: () => `AQE${r(B62 + '+/', 90)}==-${r(B62 + '+/', 43)}=-${r(B62 + '[];:%!', 16)}` },
  'adyen-client-key': { gen: () => pick(['live_', 'test_']) + r(UPNUM, 32) },
  'razorpay-key-id': { gen: () => pick(['rzp_live_', 'rzp_test_']) + r(B62, 14) },
  'razorpay-key-secret': { name: 'RAZORPAY_KEY_SECRET', gen: () => r(B62, 24) },
  'mollie-api-key': { gen: () => 'live_' + r(B62, 30) },
  'mollie-test-api-key': { gen: () => 'test_' + r(B62, 30) },
  'mollie-access-token': { gen: () => 'access_' + r(B62, 40) },
  'paddle-api-key': { gen: () => `pdl_live_apikey_${r(LOWNUM, 26)}_${r(B62, 22)}_${r(B62, 3)}` },
  'paddle-sandbox-api-key': { gen: () => `pdl_sdbx_apikey_${r(LOWNUM, 26)}_${r(B62, 22)}_${r(B62, 3)}` },
  'paddle-client-token': { gen: () => pick(['live_', 'test_']) + r(HEX, 27) },
  'coinbase-cdp-api-key-name': { gen: () => `organizations/${uuid()}/apiKeys/${uuid()}` },
  'plaid-access-token': { gen: () => `access-${pick(['production', 'development'])}-${uuid()}` },
  'plaid-sandbox-access-token': { gen: () => `access-sandbox-${uuid()}` },
  'plaid-secret': { name: 'PLAID_SECRET', gen: () => r(HEX, 30) },
  'checkout-secret-key': { name: 'CHECKOUT_SECRET_KEY', gen: () => 'sk_' + r(B32L, 26) },
  'checkout-sandbox-secret-key': { gen: () => 'sk_sbox_' + r(B32L, 26) },
  'flutterwave-secret-key': { gen: () => `FLWSECK-${r(HEX, 32)}-X` },
  'flutterwave-test-secret-key': { gen: () => `FLWSECK_TEST-${r(HEX, 32)}-X` },
  'flutterwave-public-key': { gen: () => `FLWPUBK-${r(HEX, 32)}-X` },
  'paystack-secret-key': { gen: () => 'sk_live_' + r(HEX, 40) },
  'paystack-test-secret-key': { gen: () => 'sk_test_' + r(HEX, 40) },
  'paystack-public-key': { gen: () => pick(['pk_live_', 'pk_test_']) + r(HEX, 40) },
  'woocommerce-consumer-secret': { gen: () => 'cs_' + r(HEX, 40) },
  'shippo-api-token': { gen: () => 'shippo_live_' + r(HEX, 40) },
  'shippo-test-api-token': { gen: () => 'shippo_test_' + r(HEX, 40) },
  'easypost-api-key': { gen: () => 'EZAK' + r(B62, 54) },
  'easypost-test-api-key': { gen: () => 'EZTK' + r(B62, 54) },
  'lob-api-key': { gen: () => 'live_' + r(HEX, 35) },
  'gocardless-access-token': { gen: () => 'live_' + r(B64URL, 40) },
  'xendit-secret-key': { gen: () => `xnd_${pick(['production', 'development'])}_${r(B62, 60)}` },
  'xendit-public-key': { gen: () => `xnd_public_${pick(['production', 'development'])}_${r(B62, 60)}` },
  'midtrans-server-key': { gen: () => pick(['Mid-server-', 'SB-Mid-server-']) + r(B64URL, 24) },
  'midtrans-client-key': { gen: () => pick(['Mid-client-', 'SB-Mid-client-']) + r(B64URL, 16) },
  'binance-api-secret': { name: 'BINANCE_API_SECRET', gen: () => r(B62, 64) },
  'magic-secret-key': { gen: () => 'sk_live_' + r(HEXU, 16) },
  'magic-publishable-key': { gen: () => 'pk_live_' + r(HEXU, 16) },

  // AI
  'openai-api-key': { gen: () => pick(['sk-proj-', 'sk-svcacct-', 'sk-admin-']) + r(B64URL, 74) + 'T3BlbkFJ' + r(B64URL, 74) },
  'anthropic-api-key': { gen: () => 'sk-ant-api03-' + r(B64URL, 93) + 'AA' },
  'google-gemini-api-key': { name: 'GEMINI_API_KEY', gen: () => 'AIza' + r(B64URL, 35) },
  'huggingface-token': { gen: () => 'hf_' + r(ALPHA, 34) },
  'huggingface-org-token': { gen: () => 'api_org_' + r(ALPHA, 34) },
  'mistral-api-key': { name: 'MISTRAL_API_KEY', gen: () => r(B62, 32) },
  'cohere-api-key': { name: 'COHERE_API_KEY', gen: () => r(B62, 40) },
  'groq-api-key': { gen: () => 'gsk_' + r(B62, 52) },
  'replicate-api-token': { gen: () => 'r8_' + r(B62, 37) },
  'perplexity-api-key': { gen: () => 'pplx-' + r(B62, 48) },
  'xai-api-key': { gen: () => 'xai-' + r(B62, 80) },
  'deepseek-api-key': { name: 'DEEPSEEK_API_KEY', gen: () => 'sk-' + r(HEX, 32) },
  'dashscope-api-key': { name: 'DASHSCOPE_API_KEY', gen: () => 'sk-' + r(HEX, 32) },
  'moonshot-api-key': { name: 'MOONSHOT_API_KEY', gen: () => 'sk-' + r(B62, 48) },
  'elevenlabs-api-key': { gen: () => 'sk_' + r(HEX, 48) },
  'pinecone-api-key': { gen: () => `pcsk_${r(B62, 6)}_${r(B62, 63)}` },
  'pinecone-api-key-legacy': { name: 'PINECONE_API_KEY', gen: uuid },
  'together-api-key': { gen: () => 'tgp_v1_' + r(B64URL, 43) },
  'fireworks-api-key': { gen: () => 'fw_' + r(B62, 24) },
  'openrouter-api-key': { gen: () => 'sk-or-v1-' + r(HEX, 64) },
  'langsmith-api-key': { gen: () => `lsv2_${pick(['pt', 'sk'])}_${r(HEX, 32)}_${r(HEX, 10)}` },
  'cerebras-api-key': { gen: () => 'csk-' + r(LOWNUM, 48) },
  'nvidia-api-key': { gen: () => 'nvapi-' + r(B64URL, 64) },
  'tavily-api-key': { gen: () => 'tvly-' + pick(['', 'dev-', 'prod-']) + r(B62, 32) },
  'langfuse-secret-key': { gen: () => 'sk-lf-' + uuid() },
  'langfuse-public-key': { gen: () => 'pk-lf-' + uuid() },
  'jina-api-key': { gen: () => 'jina_' + r(B62, 60) },
  'voyage-api-key': { name: 'VOYAGE_API_KEY', gen: () => 'pa-' + r(B64URL, 43) },
  'assemblyai-api-key': { name: 'ASSEMBLYAI_API_KEY', gen: () => r(HEX, 32) },
  'deepgram-api-key': { name: 'DEEPGRAM_API_KEY', gen: () => r(HEX, 40) },
  'stability-api-key': { name: 'STABILITY_API_KEY', gen: () => 'sk-' + r(B62, 48) },
  'fal-api-key': { name: 'FAL_KEY', gen: () => `${uuid()}:${r(HEX, 32)}` },
  'wandb-api-key': { name: 'WANDB_API_KEY', gen: () => r(HEX, 40) },
  'clarifai-pat': { name: 'CLARIFAI_PAT', gen: () => r(HEX, 32) },

  // Source hosting, registries and CI
  'github-token': { gen: () => crcToken(pick(['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'])) },
  'github-fine-grained-token': { gen: () => `github_pat_${r(B62, 22)}_${r(B62, 59)}` },
  'github-oauth-client-secret': { name: 'GITHUB_CLIENT_SECRET', gen: () => r(HEX, 40) },
  'gitlab-token': { gen: () => 'glpat-' + r(B64URL, 20) },
  'gitlab-runner-token': { gen: () => 'glrt-' + r(B64URL, 20) },
  'gitlab-deploy-token': { gen: () => 'gldt-' + r(B64URL, 20) },
  'gitlab-trigger-token': { gen: () => 'glptt-' + r(HEX, 40) },
  'gitlab-oauth-app-secret': { gen: () => 'gloas-' + r(HEX, 64) },
  'gitlab-other-token': { gen: () => pick(['glft-', 'glimt-', 'glagent-', 'glsoat-', 'glcbt-', 'glffct-']) + r(B64URL, 25) },
  'npm-token': { gen: () => crcToken('npm_') },
  'npmrc-auth-token': { gen: () => `//registry.npmjs.org/:_authToken=${uuid()}` },
  'pypi-token': { gen: () => 'pypi-AgEIcHlwaS5vcmc' + r(B64URL, 150) },
  'docker-hub-token': { gen: () => pick(['dckr_pat_', 'dckr_oat_']) + r(B64URL, 27) },
  'circleci-token': { gen: () => `${pick(['CCIPAT_', 'CCIPRJ_'])}${r(B62, 22)}_${r(HEX, 40)}` },
  'circleci-token-legacy': { name: 'CIRCLECI_TOKEN', gen: () => r(HEX, 40) },
  'travis-ci-token': { name: 'TRAVIS_API_TOKEN', gen: () => r(B64URL, 22) },
  'atlassian-api-token': { gen: () => 'ATATT3xFfGF0' + r(B64URL, 170) + '=' + r(HEXU, 8) },
  'bitbucket-access-token': { gen: () => 'ATCTT3xFfGN0' + r(B64URL, 170) + '=' + r(HEXU, 8) },
  'bitbucket-app-password': { gen: () => 'ATBB' + r(B62, 32) },
  'rubygems-api-key': { gen: () => 'rubygems_' + r(HEX, 48) },
  'nuget-api-key': { gen: () => 'oy2' + r(LOWNUM, 43) },
  'crates-io-token': { gen: () => 'cio' + r(B62, 32) },
  'jfrog-api-key': { gen: () => 'AKCp' + r(B62, 69) },
  'jfrog-reference-token': { gen: () => b64(`reftkn:01:${int(1700000000, 2000000000)}:${r(B62, 31)}`).replace(/=+$/, '') },
  'buildkite-token': { gen: () => 'bkua_' + r(HEX, 40) },
  'sourcegraph-token': { gen: () => 'sgp_' + pick(['', r(HEX, 16) + '_']) + r(HEX, 40) },
  'postman-api-key': { gen: () => `PMAK-${r(HEX, 24)}-${r(HEX, 34)}` },
  'sonarqube-token': { gen: () => pick(['squ_', 'sqp_', 'sqa_']) + r(HEX, 40) },
  'snyk-token': { name: 'SNYK_TOKEN', gen: uuid },
  'codecov-token': { name: 'CODECOV_TOKEN', gen: uuid },
  'harness-pat': { gen: () => `pat.${r(B64URL, 22)}.${r(HEX, 24)}.${r(B62, 20)}` },
  'octopus-deploy-api-key': { name: 'OCTOPUS_API_KEY', gen: () => 'API-' + r(UPNUM, 30) },
  'gitea-token': { name: 'GITEA_TOKEN', gen: () => r(HEX, 40) },

  // Messaging, email, social
  'slack-token': { gen: () => `xoxb-${r(DIGITS, 12)}-${r(DIGITS, 13)}-${r(B62, 24)}` },
  'slack-webhook-url': { gen: () => `https://hooks.slack.com/services/T${r(UPNUM, 10)}/B${r(UPNUM, 10)}/${r(B62, 24)}` },
  'slack-signing-secret': { name: 'SLACK_SIGNING_SECRET', gen: () => r(HEX, 32) },
  'discord-bot-token': {
    gen: () => `${b64(String(int(1, 9)) + r(DIGITS, 17)).replace(/=+$/, '')}.${r(B64URL, 6)}.${r(B64URL, 38)}`,
  },
  'discord-webhook-url': { gen: () => `https://discord.com/api/webhooks/${r(DIGITS, 19)}/${r(B64URL, 68)}` },
  'discord-client-secret': { name: 'DISCORD_CLIENT_SECRET', gen: () => r(B64URL, 32) },
  'telegram-bot-token': { gen: () => `${r(DIGITS, 10)}:AA${r(B64URL, 33)}` },
  'twilio-api-key': { gen: () => 'SK' + r(HEX, 32) },
  'twilio-auth-token': { name: 'twilioAuthToken', gen: () => r(HEX, 32) },
  'sendgrid-api-key': { gen: () => `SG.${r(B64URL, 22)}.${r(B64URL, 43)}` },
  'mailgun-api-key': { gen: () => 'key-' + r(HEX, 32) },
  'mailgun-api-key-v2': { name: 'MAILGUN_API_KEY', gen: () => `${r(HEX, 32)}-${r(HEX, 8)}-${r(HEX, 8)}` },
  'mailchimp-api-key': { gen: () => `${r(HEX, 32)}-us${int(1, 21)}` },
  'mandrill-api-key': { name: 'MANDRILL_API_KEY', gen: () => 'md-' + r(B64URL, 22) },
  'postmark-server-token': { name: 'POSTMARK_SERVER_TOKEN', gen: uuid },
  'resend-api-key': { gen: () => `re_${r(B62, 8)}_${r(B62, 24)}` },
  'brevo-api-key': { gen: () => `${pick(['xkeysib-', 'xsmtpsib-'])}${r(HEX, 64)}-${r(B62, 16)}` },
  'vonage-api-secret': { name: 'VONAGE_API_SECRET', gen: () => r(B62, 16) },
  'mailjet-secret-key': { name: 'MAILJET_SECRET_KEY', gen: () => r(HEX, 32) },
  'sparkpost-api-key': { name: 'SPARKPOST_API_KEY', gen: () => r(HEX, 40) },
  'messagebird-api-key': { name: 'MESSAGEBIRD_API_KEY', gen: () => r(B62, 25) },
  'plivo-auth-token': { name: 'PLIVO_AUTH_TOKEN', gen: () => r(B62, 40) },
  'pusher-app-secret': { name: 'PUSHER_APP_SECRET', gen: () => r(HEX, 20) },
  'ably-api-key': { name: 'ABLY_API_KEY', gen: () => `${r(B64URL, 6)}.${r(B64URL, 6)}:${r(B64URL, 43)}` },
  'stream-api-secret': { name: 'STREAM_API_SECRET', gen: () => r(LOWNUM, 64) },
  'sendbird-api-token': { name: 'SENDBIRD_API_TOKEN', gen: () => r(HEX, 40) },
  'microsoft-teams-webhook-url': {
    gen: () => `https://${r(LOWER, 8)}.webhook.office.com/webhookb2/${uuid()}@${uuid()}/IncomingWebhook/${r(HEX, 32)}/${uuid()}`,
  },
  'google-chat-webhook-url': {
    gen: () => `https://chat.googleapis.com/v1/spaces/${r(B64URL, 11)}/messages?key=AIza${r(B64URL, 35)}&token=${r(B64URL, 43)}`,
  },
  'zapier-webhook-url': { gen: () => `https://hooks.zapier.com/hooks/catch/${r(DIGITS, 8)}/${r(LOWNUM, 6)}/` },
  'twitter-api-secret': { name: 'TWITTER_API_SECRET', gen: () => r(B62, 50) },
  'facebook-access-token': { gen: () => 'EAA' + r(B62, 180) },
  'facebook-app-secret': { name: 'FACEBOOK_APP_SECRET', gen: () => r(HEX, 32) },
  'instagram-access-token': { gen: () => pick(['IGQV', 'IGAA']) + r(B64URL, 150) },
  'pinterest-access-token': { gen: () => 'pina_' + r(B62, 100) },
  'linkedin-client-secret': { name: 'LINKEDIN_CLIENT_SECRET', gen: () => r(B62, 16) },
  'twitch-client-secret': { name: 'TWITCH_CLIENT_SECRET', gen: () => r(LOWNUM, 30) },
  'zoom-client-secret': { name: 'ZOOM_CLIENT_SECRET', gen: () => r(B62, 32) },
  'mailersend-api-key': { gen: () => 'mlsn.' + r(HEX, 64) },
  'onesignal-api-key': { gen: () => `os_v2_app_${r(B32L, 113)}` },
  'telnyx-api-key': { name: 'TELNYX_API_KEY', gen: () => `KEY${r(HEXU, 32)}_${r(B62, 22)}` },
  'smtp2go-api-key': { name: 'SMTP2GO_API_KEY', gen: () => 'api-' + r(HEXU, 32) },
  'intercom-access-token': { gen: () => b64(`tok:${uuid().replace(/-/g, '_')}:1:0`) },
  'hubspot-private-app-token': { gen: () => `pat-${pick(['na1', 'eu1'])}-${uuid()}` },
  'salesforce-access-token': { gen: () => `00D${r(B62, 15)}!${r(B62 + '._', 96)}` },
  'zendesk-api-token': { name: 'ZENDESK_API_TOKEN', gen: () => r(B62, 40) },
  'pipedrive-api-token': { name: 'PIPEDRIVE_API_TOKEN', gen: () => r(HEX, 40) },

  // Databases and backends
  'supabase-service-role-key': {
    gen: () => jwt({ iss: 'supabase', ref: r(LOWER, 20), role: 'service_role', iat: now() - 1000, exp: now() + 10 * 365 * 86400 }),
  },
  'supabase-anon-key': {
    gen: () => jwt({ iss: 'supabase', ref: r(LOWER, 20), role: 'anon', iat: now() - 1000, exp: now() + 10 * 365 * 86400 }),
  },
  'supabase-access-token': { gen: () => 'sbp_' + r(HEX, 40) },
  'supabase-secret-key': { gen: () => `sb_secret_${r(B64URL, 22)}_${r(B64URL, 8)}` },
  'supabase-publishable-key': { gen: () => `sb_publishable_${r(B64URL, 22)}_${r(B64URL, 8)}` },
  'firebase-cloud-messaging-server-key': { gen: () => `AAAA${r(B64URL, 7)}:APA91b${r(B64URL, 134)}` },
  'mongodb-atlas-private-key': { name: 'ATLAS_PRIVATE_KEY', gen: uuid },
  'planetscale-token': { gen: () => pick(['pscale_pw_', 'pscale_tkn_', 'pscale_oauth_']) + r(B64URL, 43) },
  'neon-api-key': { gen: () => 'napi_' + r(LOWNUM, 64) },
  'upstash-redis-token': { name: 'UPSTASH_REDIS_REST_TOKEN', gen: () => 'AX' + r(B62, 70) + '=' },
  'algolia-admin-api-key': { name: 'ALGOLIA_ADMIN_API_KEY', gen: () => r(HEX, 32) },
  'algolia-search-api-key': { name: 'algoliaSearchKey', gen: () => r(HEX, 32) },
  'contentful-management-token': { gen: () => 'CFPAT-' + r(B64URL, 43) },
  'contentful-delivery-token': { name: 'CONTENTFUL_DELIVERY_TOKEN', gen: () => r(B64URL, 43) },
  'sanity-token': { name: 'SANITY_API_TOKEN', gen: () => 'sk' + r(B62, 180) },
  'airtable-pat': { gen: () => `pat${r(B62, 14)}.${r(HEX, 64)}` },
  'airtable-api-key-legacy': { name: 'AIRTABLE_API_KEY', gen: () => 'key' + r(B62, 14) },
  'notion-token': { gen: () => pick([`ntn_${r(DIGITS, 11)}${r(B62, 35)}`, `secret_${r(B62, 43)}`]) },
  'xata-api-key': { gen: () => 'xau_' + r(B62, 36) },
  'appwrite-api-key': { gen: () => 'standard_' + r(HEX, 256) },
  'convex-deploy-key': { gen: () => `prod:${r(LOWER, 6)}-${r(LOWER, 6)}-${r(DIGITS, 3)}|${b64url(JSON.stringify({ v2: r(HEX, 32) }))}` },
  'fauna-secret': { name: 'FAUNA_SECRET', gen: () => 'fn' + r(B64URL, 38) },
  'hasura-admin-secret': { name: 'HASURA_GRAPHQL_ADMIN_SECRET', gen: () => r(B62, 32) },
  'meilisearch-master-key': { name: 'MEILI_MASTER_KEY', gen: () => r(B64URL, 32) },
  'typesense-admin-api-key': { name: 'TYPESENSE_ADMIN_API_KEY', gen: () => r(B62, 32) },
  'databricks-token': { gen: () => 'dapi' + r(HEX, 32) },
  'clickhouse-cloud-secret': { gen: () => '4b1d' + r(B62, 38) },
  'influxdb-token': { name: 'INFLUXDB_TOKEN', gen: () => b64(crypto.randomBytes(64)) },
  'elastic-api-key': { name: 'ELASTIC_API_KEY', gen: () => b64(`${r(B64URL, 20)}:${r(B64URL, 22)}`) },
  'prisma-accelerate-url': {
    gen: () => `prisma://accelerate.prisma-data.net/?api_key=${jwt({ tenant_id: r(HEX, 64), secure_key: 'sk_' + r(B64URL, 24), api_key_id: uuid() }, { alg: 'HS256' })}`,
  },
  'builder-io-private-key': { gen: () => 'bpk-' + r(HEX, 32) },
  'ghost-admin-api-key': { name: 'GHOST_ADMIN_API_KEY', gen: () => `${r(HEX, 24)}:${r(HEX, 64)}` },
  'strapi-api-token': { name: 'STRAPI_API_TOKEN', gen: () => r(HEX, 256) },
  'datocms-api-token': { name: 'DATOCMS_API_TOKEN', gen: () => r(HEX, 30) },
  'database-url-credentials': { gen: () => `postgres://app_${r(LOWER, 5)}:${r(B62, 20)}@db-${r(LOWER, 6)}.internal.test:5432/app` },
  'connection-string-password': { gen: () => `Server=tcp:${r(LOWER, 8)}.database.windows.net,1433;Initial Catalog=app;User ID=app;Password=${password()};Encrypt=True;` },
  'jdbc-url-password': { gen: () => `jdbc:mysql://db-${r(LOWER, 6)}.internal.test:3306/app?user=app&password=${r(B62, 22)}` },

  // Monitoring and analytics
  'sentry-auth-token': { gen: () => 'sntryu_' + r(HEX, 64) },
  'sentry-dsn': { gen: () => `https://${r(HEX, 32)}@o${r(DIGITS, 6)}.ingest.us.sentry.io/${r(DIGITS, 7)}` },
  'datadog-api-key': { name: 'DD_API_KEY', gen: () => r(HEX, 32) },
  'datadog-app-key': { name: 'DD_APP_KEY', gen: () => r(HEX, 40) },
  'datadog-client-token': { name: 'clientToken', gen: () => 'pub' + r(HEX, 32) },
  'newrelic-user-api-key': { gen: () => 'NRAK-' + r(UPNUM, 27) },
  'newrelic-license-key': { gen: () => r(HEX, 36) + 'NRAL' },
  'newrelic-browser-key': { gen: () => 'NRJS-' + r(HEX, 19) },
  'newrelic-insert-key': { gen: () => 'NRII-' + r(B64URL, 32) },
  'newrelic-query-key': { gen: () => 'NRIQ-' + r(B64URL, 32) },
  'segment-write-key': { name: 'segmentWriteKey', gen: () => r(B62, 32) },
  'mixpanel-project-token': { name: 'MIXPANEL_TOKEN', gen: () => r(HEX, 32) },
  'mixpanel-api-secret': { name: 'MIXPANEL_API_SECRET', gen: () => r(HEX, 32) },
  'amplitude-api-key': { name: 'AMPLITUDE_API_KEY', gen: () => r(HEX, 32) },
  'amplitude-secret-key': { name: 'AMPLITUDE_SECRET_KEY', gen: () => r(HEX, 32) },
  'posthog-personal-api-key': { gen: () => 'phx_' + r(B62, 43) },
  'posthog-project-api-key': { gen: () => 'phc_' + r(B62, 43) },
  'posthog-project-secret-key': { gen: () => 'phs_' + r(B62, 43) },
  'honeycomb-api-key': { name: 'HONEYCOMB_API_KEY', gen: () => r(B62, 32) },
  'grafana-cloud-token': { gen: () => 'glc_' + b64(JSON.stringify({ o: r(DIGITS, 6), n: 'stack-' + r(DIGITS, 6), k: r(B62, 24), m: { r: 'us' } })) },
  'grafana-service-account-token': { gen: () => `glsa_${r(B62, 32)}_${r(HEX, 8)}` },
  'rollbar-access-token': { name: 'ROLLBAR_SERVER_TOKEN', gen: () => r(HEX, 32) },
  'bugsnag-api-key': { name: 'BUGSNAG_API_KEY', gen: () => r(HEX, 32) },
  'dynatrace-token': { gen: () => `dt0c01.${r(UPNUM, 24)}.${r(UPNUM, 64)}` },
  'splunk-hec-token': { name: 'SPLUNK_HEC_TOKEN', gen: uuid },
  'launchdarkly-sdk-key': { gen: () => 'sdk-' + uuid() },
  'launchdarkly-api-token': { gen: () => 'api-' + uuid() },
  'launchdarkly-mobile-key': { gen: () => 'mob-' + uuid() },
  'statsig-server-secret': { gen: () => 'secret-' + r(B62, 43) },
  'statsig-console-key': { gen: () => 'console-' + r(B62, 43) },
  'statsig-client-key': { gen: () => 'client-' + r(B62, 43) },
  'growthbook-client-key': { gen: () => 'sdk-' + r(B62, 16) },
  'configcat-sdk-key': { gen: () => `configcat-sdk-1/${r(B64URL, 22)}/${r(B64URL, 22)}` },
  'flagsmith-server-key': { name: 'FLAGSMITH_SERVER_KEY', gen: () => 'ser.' + r(B62, 22) },
  'unleash-api-token': { name: 'UNLEASH_API_TOKEN', gen: () => `default:production.${r(HEX, 56)}` },
  'axiom-token': { gen: () => pick(['xaat-', 'xapt-']) + uuid() },
  'betterstack-token': { name: 'LOGTAIL_SOURCE_TOKEN', gen: () => r(B62, 24) },
  'pagerduty-api-key': { name: 'PAGERDUTY_API_KEY', gen: () => r(B64URL, 20) },
  'opsgenie-api-key': { name: 'OPSGENIE_API_KEY', gen: uuid },

  // Identity
  'auth0-client-secret': { name: 'AUTH0_CLIENT_SECRET', gen: () => r(B64URL, 64) },
  'auth0-management-token': {
    gen: () => jwt({ iss: `https://${r(LOWER, 8)}.us.auth0.com/`, sub: `${r(B62, 32)}@clients`, aud: `https://${r(LOWER, 8)}.us.auth0.com/api/v2/`, iat: now() - 100, exp: now() + 86400 * 30, scope: 'read:users update:users delete:users', gty: 'client-credentials' }, { alg: 'RS256', typ: 'JWT', kid: r(B62, 20) }),
  },
  'okta-api-token': { gen: () => 'SSWS 00' + r(B64URL, 40) },
  'okta-api-token-named': { name: 'OKTA_API_TOKEN', gen: () => '00' + r(B64URL, 40) },
  'clerk-secret-key': { name: 'CLERK_SECRET_KEY', gen: () => 'sk_live_' + r(B62, 40) },
  'clerk-publishable-key': { gen: () => 'pk_live_' + b64(`clerk.${r(LOWER, 8)}.com$`).replace(/=+$/, '') },
  'stytch-secret': { gen: () => 'secret-live-' + r(B64URL, 36) },
  'stytch-test-secret': { gen: () => 'secret-test-' + r(B64URL, 36) },
  'stytch-public-token': { gen: () => `public-token-${pick(['live', 'test'])}-${uuid()}` },
  'ory-token': { gen: () => pick(['ory_pat_', 'ory_apikey_']) + r(B62, 32) },
  'duo-secret-key': { name: 'DUO_SECRET_KEY', gen: () => r(B62, 40) },
  'persona-api-key': { gen: () => `persona_${pick(['production', 'sandbox'])}_${uuid()}` },
  'onfido-api-token': { gen: () => `api_${pick(['live', 'sandbox'])}.${r(B64URL, 11)}.${r(B64URL, 32)}` },
  'recaptcha-secret-key': { name: 'RECAPTCHA_SECRET_KEY', gen: () => '6L' + r(B64URL, 38) },
  'hcaptcha-secret-key': { name: 'HCAPTCHA_SECRET', gen: () => '0x' + r(HEX, 40) },
  'turnstile-secret-key': { name: 'TURNSTILE_SECRET_KEY', gen: () => '0x4AAAAAAA' + r(B64URL, 25) },
  'keycloak-client-secret': { name: 'KEYCLOAK_CLIENT_SECRET', gen: () => r(B62, 32) },
  'cognito-client-secret': { name: 'COGNITO_CLIENT_SECRET', gen: () => r(LOWNUM, 52) },

  // Maps
  'google-maps-api-key': { name: 'googleMapsApiKey', gen: () => 'AIza' + r(B64URL, 35) },
  'mapbox-secret-token': { gen: () => `sk.${b64url(JSON.stringify({ u: r(LOWER, 8), a: r(LOWNUM, 25) }))}.${r(B64URL, 22)}` },
  'mapbox-public-token': { gen: () => `pk.${b64url(JSON.stringify({ u: r(LOWER, 8), a: r(LOWNUM, 25) }))}.${r(B64URL, 22)}` },
  'here-api-key': { name: 'HERE_API_KEY', gen: () => r(B64URL, 43) },
  'tomtom-api-key': { name: 'TOMTOM_API_KEY', gen: () => r(B62, 32) },
  'maptiler-api-key': { name: 'MAPTILER_KEY', gen: () => r(B62, 20) },
  'bing-maps-key': { name: 'BING_MAPS_KEY', gen: () => r(B64URL, 64) },
  'esri-arcgis-api-key': { gen: () => pick(['AAPK', 'AAPT']) + r(B64URL, 100) },
  'radar-secret-key': { gen: () => `prj_${pick(['live', 'test'])}_sk_${r(HEX, 40)}` },
  'radar-publishable-key': { gen: () => `prj_${pick(['live', 'test'])}_pk_${r(HEX, 40)}` },
  'locationiq-access-token': { gen: () => 'pk.' + r(HEX, 32) },
  'geoapify-api-key': { name: 'GEOAPIFY_API_KEY', gen: () => r(HEX, 32) },
  'opencage-api-key': { name: 'OPENCAGE_API_KEY', gen: () => r(HEX, 32) },

  // Productivity, content, media, web3
  'linear-api-key': { gen: () => pick(['lin_api_', 'lin_oauth_']) + r(B62, 40) },
  'figma-token': { gen: () => `figd_${r(B64URL, 40)}` },
  'asana-pat': { name: 'ASANA_ACCESS_TOKEN', gen: () => `2/${r(DIGITS, 16)}/${r(DIGITS, 16)}:${r(HEX, 32)}` },
  'clickup-api-token': { gen: () => `pk_${r(DIGITS, 8)}_${r(UPNUM, 32)}` },
  'trello-api-token': { gen: () => 'ATTA' + r(HEX, 64) + r(HEXU, 8) },
  'dropbox-access-token': { gen: () => 'sl.' + pick(['', 'u.']) + r(B64URL, 140) },
  'box-developer-token': { name: 'BOX_DEVELOPER_TOKEN', gen: () => r(B62, 32) },
  'typeform-token': { gen: () => `tfp_${r(B62, 44)}_${r(B62, 14)}` },
  'todoist-api-token': { name: 'TODOIST_API_TOKEN', gen: () => r(HEX, 40) },
  'webflow-api-token': { name: 'WEBFLOW_API_TOKEN', gen: () => r(HEX, 64) },
  'lokalise-api-token': { name: 'LOKALISE_API_TOKEN', gen: () => r(HEX, 40) },
  'crowdin-api-token': { name: 'CROWDIN_PERSONAL_TOKEN', gen: () => r(HEX, 80) },
  'frameio-token': { gen: () => 'fio-u-' + r(B64URL, 64) },
  'adobe-client-secret': { gen: () => 'p8e-' + r(B64URL, 32) },
  'zoho-oauth-token': { gen: () => `1000.${r(HEX, 32)}.${r(HEX, 32)}` },
  'uploadcare-secret-key': { name: 'UPLOADCARE_SECRET_KEY', gen: () => r(HEX, 20) },
  'vimeo-access-token': { name: 'VIMEO_ACCESS_TOKEN', gen: () => r(HEX, 32) },
  'spotify-client-secret': { name: 'SPOTIFY_CLIENT_SECRET', gen: () => r(HEX, 32) },
  'rapidapi-key': { name: 'RAPIDAPI_KEY', gen: () => r(B62, 50) },
  'shodan-api-key': { name: 'SHODAN_API_KEY', gen: () => r(B62, 32) },
  'etherscan-api-key': { name: 'ETHERSCAN_API_KEY', gen: () => r(UPNUM, 34) },
  'infura-api-key': { name: 'INFURA_API_KEY', gen: () => r(HEX, 32) },
  'infura-api-key-secret': { name: 'INFURA_API_KEY_SECRET', gen: () => r(HEX, 32) },
  'alchemy-api-key': { name: 'ALCHEMY_API_KEY', gen: () => r(B64URL, 32) },

  // Generic credentials
  'private-key': { gen: () => pick([pem('RSA'), pem('EC'), pem('OPENSSH'), pem('ENCRYPTED'), pgpPrivate()]) },
  'age-secret-key': { gen: ageSecretKey },
  'putty-private-key': {
    gen: () => `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-${r(DIGITS, 8)}\nPublic-Lines: 2\n${r(B64, 64)}\n${r(B64, 4)}\nPrivate-Lines: 1\n${r(B64, 44)}\nPrivate-MAC: ${r(HEX, 64)}`,
  },
  jwt: { gen: () => jwt({ sub: r(DIGITS, 8), scope: 'admin', iat: now() - 100, exp: now() + 86400 * 365 }) },
  'authorization-bearer': { gen: () => 'Bearer ' + r(B64URL, 40) },
  'authorization-basic': { gen: () => 'Basic ' + b64(`svc_${r(LOWER, 5)}:${password()}`) },
  'authorization-token': { name: 'Authorization', gen: () => `${pick(['Token', 'ApiKey'])} ${r(B62, 40)}` },
  'credentials-pair': { name: 'Authorization', gen: () => `svc_${r(LOWER, 5)}:${password()}` },
  'base64-credentials': { name: 'basicAuthCredentials', gen: () => b64(`svc_${r(LOWER, 5)}:${password()}`) },
  'url-credentials': { gen: () => `https://deploy:${r(B62, 18)}@git-${r(LOWER, 6)}.internal.test/repo.git` },
  'generic-secret': { name: 'clientSecret', gen: () => r(B62, 32) },
  'generic-api-key': { name: 'apiKey', gen: () => r(B62, 28) },
}

/** A fresh value for `id` ({ value, name } or null when no generator exists). */
function generate(id) {
  const g = GENERATORS[id]
  return g ? { value: g.gen(), name: g.name || null, hint: g.hint || null } : null
}

module.exports = { GENERATORS, generate, r, crc32, base62, B62, HEX }

if (require.main === module) {
  const [id, n = '1'] = process.argv.slice(2)
  if (!GENERATORS[id]) {
    console.error(`no generator for ${id}`)
    process.exit(1)
  }
  for (let i = 0; i < Number(n); i++) console.log(JSON.stringify(generate(id)))
}
