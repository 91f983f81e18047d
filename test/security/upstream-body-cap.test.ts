import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { Agent } from 'undici'
import { MAX_UPSTREAM_BODY_BYTES, callText } from '../../src/http/call-json.js'
import { build, testConfig } from '../helpers/build.js'

// Issue 20, item 3: a misbehaving upstream sending a huge body (300 MB of JWKS or of a tokeninfo
// error) made ro2key read it whole. Now reading stops at the cap and the caller gets a 502.
const TOTAL = 64 * 1024 * 1024
const CHUNK = Buffer.alloc(64 * 1024, 'a')

interface Sent { bytes: number }
/** Streams TOTAL bytes (as `status`, with or without a Content-Length) and counts what went out until the close. */
function flood (res: ServerResponse, status: number, declare: boolean, sent: Sent): void {
  res.writeHead(status, { 'content-type': 'application/json', ...(declare ? { 'content-length': TOTAL } : {}) })
  const pump = (): void => {
    while (sent.bytes < TOTAL && !res.destroyed) {
      sent.bytes += CHUNK.length
      if (!res.write(CHUNK)) { res.once('drain', pump); return }
    }
    if (!res.destroyed) res.end()
  }
  pump()
}

const sent: Record<string, Sent> = {}
const server = createServer((req, res) => {
  const [path, query] = (req.url ?? '').split('?')
  const s = sent[path + (query?.includes('declare') ? '+declare' : '')] = { bytes: 0 }
  if (path === '/tokeninfo') flood(res, 400, false, s)
  else if (path === '/jwks') flood(res, 200, false, s)
  else flood(res, 200, query?.includes('declare') === true, s)
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
t.teardown(() => { server.closeAllConnections(); server.close() })
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
const bearer = { authorization: 'Bearer some-opaque-token' }

t.test('a 64 MB tokeninfo error body: 502 after at most a few times the cap', async (t) => {
  const { app } = await build(t, testConfig({ TOKENINFO_URL: `${base}/tokeninfo` }))
  const res = await app.inject({ url: '/get_key/S3MintReadOnly', headers: bearer })
  t.equal(res.statusCode, 502)
  t.match(res.json(), { code: 'RO2KEY_UPSTREAM_BAD_RESPONSE', detail: /oversized body/ })
  t.ok((sent['/tokeninfo']?.bytes ?? 0) < 64 * MAX_UPSTREAM_BODY_BYTES, `sent ${sent['/tokeninfo']?.bytes} bytes`)
})

t.test('a 64 MB JWKS: 502, not read whole', async (t) => {
  const jwt = { TOKENINFO_URL: '', JWT_ISSUER: base, JWT_AUDIENCE: 'aud', JWKS_URL: `${base}/jwks` }
  const { app } = await build(t, testConfig(jwt))
  const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'
  const res = await app.inject({ url: '/get_key/S3MintReadOnly', headers: { authorization: `Bearer ${token}` } })
  t.equal(res.statusCode, 502)
  t.ok((sent['/jwks']?.bytes ?? 0) < 64 * MAX_UPSTREAM_BODY_BYTES, `sent ${sent['/jwks']?.bytes} bytes`)
})

t.test('callText: a declared Content-Length over the cap is refused before reading', async (t) => {
  const dispatcher = new Agent()
  t.teardown(() => dispatcher.close())
  await t.rejects(callText('x', `${base}/other?declare`, { method: 'GET' }, { dispatcher, timeoutMs: 5000 }),
    { code: 'RO2KEY_UPSTREAM_BAD_RESPONSE' })
  t.ok((sent['/other+declare']?.bytes ?? 0) < 64 * MAX_UPSTREAM_BODY_BYTES)
  await t.rejects(callText('x', `${base}/other`, { method: 'GET' }, { dispatcher, timeoutMs: 5000 }), { code: 'RO2KEY_UPSTREAM_BAD_RESPONSE' })
})
