import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { Agent } from 'undici'
import { callJson, callText, statusError } from '../../src/http/call-json.js'

/** A loopback server answering every request with one status and body. */
async function answering (status: number, body: string): Promise<{ url: string, server: Server }> {
  const server = createServer((_req, res) => { res.writeHead(status, { 'content-type': 'application/json' }).end(body) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server }
}

const http = { dispatcher: new Agent(), timeoutMs: 2000 }
t.teardown(() => http.dispatcher.close())

t.test('callJson: the object of a 200, the OAuth2 error of a 400, the bare status otherwise', async (t) => {
  for (const [status, body, want] of [
    [200, '{"uid":"x"}', { status: 200, doc: { uid: 'x' } }],
    [400, '{"error":"invalid_token"}', { status: 400, doc: undefined, error: 'invalid_token' }],
    [404, 'not json', { status: 404, doc: undefined }]
  ] as const) {
    const peer = await answering(status, body)
    t.teardown(() => peer.server.close())
    t.same(await callJson('token service', peer.url, { method: 'GET' }, http), want, `${status}`)
  }
})

t.test('callJson: a 200 that is not a JSON object is a 502 naming the service', async (t) => {
  const peer = await answering(200, '[1]')
  t.teardown(() => peer.server.close())
  await t.rejects(callJson('token service', peer.url, { method: 'GET' }, http),
    { code: 'RO2KEY_UPSTREAM_BAD_RESPONSE', detail: 'The token service did not answer with a JSON object' })
})

t.test('callText: reads only the statuses asked for; logName names the service in the cause', async (t) => {
  const peer = await answering(400, 'secret-bearing body')
  t.teardown(() => peer.server.close())
  t.same(await callText('AWS federation endpoint', peer.url, { method: 'GET' }, http), { status: 400, text: '' })
  const closed = peer.url.replace(/:\d+\//, ':1/')
  const err = await callText('AWS federation endpoint', closed, { method: 'GET' }, http, { logName: 'federation' })
    .catch((e: unknown) => e) as { code: string, detail: string, cause: Error }
  t.match(err, { code: 'RO2KEY_UPSTREAM_UNAVAILABLE', detail: 'The AWS federation endpoint could not be reached; try again later' })
  t.match(err.cause.message, /^federation could not be reached: ECONNREFUSED/)
})

t.test('statusError: throttled or down is 503, anything else 502', async (t) => {
  t.match(statusError('JWKS endpoint', 429), { statusCode: 503 })
  t.match(statusError('JWKS endpoint', 503), { statusCode: 503 })
  t.match(statusError('JWKS endpoint', 500), { statusCode: 502, detail: 'The JWKS endpoint failed; try again later' })
})
