'use strict'
// Preload (`node -r`, also loaded in worker threads): every way Node reaches the network throws
// and is logged (to SECRETGATE_TEST_NET_LOG, with the caller's stack) before anything else runs.
// net, tls, http, https, http2, dns (callback and promise APIs), dgram, fetch/undici, WebSocket.
const fs = require('node:fs')

const LOG = process.env.SECRETGATE_TEST_NET_LOG

function blocked(what) {
  return function () {
    const stack = new Error().stack.split('\n').slice(2, 14).join('\n')
    if (LOG) fs.appendFileSync(LOG, `${JSON.stringify({ what, stack })}\n`)
    throw Object.assign(new Error(`network access blocked by the test: ${what}`), { code: 'ETESTNONET' })
  }
}

function block(mod, name, names) {
  const m = require(`node:${mod}`)
  for (const n of names) {
    if (typeof m[n] === 'function') m[n] = blocked(`${name}.${n}`)
  }
  return m
}

const net = block('net', 'net', ['connect', 'createConnection', 'createServer'])
net.Socket.prototype.connect = blocked('net.Socket#connect')
net.Server.prototype.listen = blocked('net.Server#listen')
block('tls', 'tls', ['connect', 'createServer', 'createSecureContext'])
block('http', 'http', ['request', 'get', 'createServer'])
block('https', 'https', ['request', 'get', 'createServer'])
block('http2', 'http2', ['connect', 'createServer', 'createSecureServer'])
block('dgram', 'dgram', ['createSocket'])
const dns = block('dns', 'dns', ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveNs', 'resolveTxt', 'resolveSrv', 'resolvePtr', 'resolveNaptr', 'resolveSoa', 'reverse'])
for (const n of Object.keys(dns.promises)) {
  // getDefaultResultOrder, getServers, setServers... are settings, not queries
  if (typeof dns.promises[n] === 'function' && /^(lookup|resolve|reverse)/.test(n)) dns.promises[n] = blocked(`dns.promises.${n}`)
}
dns.Resolver.prototype.resolve = blocked('dns.Resolver#resolve')
for (const g of ['fetch', 'WebSocket', 'EventSource']) {
  if (g in globalThis) Object.defineProperty(globalThis, g, { value: blocked(g), writable: true, configurable: true })
}
try {
  // undici, when installed as a package: its request entry points.
  const undici = require('undici')
  for (const n of ['request', 'fetch', 'stream', 'pipeline', 'connect']) if (typeof undici[n] === 'function') undici[n] = blocked(`undici.${n}`)
} catch {}
// ESM importers (Vite, rolldown's JS side) see the patched functions too.
require('node:module').syncBuiltinESMExports()
