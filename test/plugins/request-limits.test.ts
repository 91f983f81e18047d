import { connect } from 'node:net'
import t from 'tap'
import { build, testConfig } from '../helpers/build.js'

/** Sends raw bytes over a real connection and returns what came back when the server closed it. */
async function raw (port: number, request: string): Promise<{ text: string, ms: number }> {
  const started = Date.now()
  return await new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request))
    let text = ''
    socket.on('data', (d) => { text += d.toString() })
    socket.on('error', reject)
    socket.on('close', () => resolve({ text, ms: Date.now() - started }))
  })
}

t.test('a GET with a body is refused before any work', async (t) => {
  const { app } = await build(t)
  for (const headers of [{ 'content-type': 'application/json' }, { 'content-type': 'text/plain' }]) {
    const res = await app.inject({ method: 'GET', url: '/get_key/S3MintReadOnly', headers: { ...headers, authorization: 'Bearer tok' }, payload: '{"a":1}' })
    t.equal(res.statusCode, 400)
    t.match(res.json(), { code: 'RO2KEY_BAD_REQUEST', detail: 'GET requests take no body' })
  }
  const health = await app.inject({ method: 'GET', url: '/health', payload: 'x' })
  t.equal(health.statusCode, 400, 'on every route')
})

t.test('over real HTTP: oversized headers -> 431, a request never finished -> 408, both problem+json', async (t) => {
  const { app } = await build(t, testConfig({ REQUEST_TIMEOUT_MS: '1000' }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  const big = await raw(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`)
  t.match(big.text, /^HTTP\/1\.1 431 /)
  t.match(big.text, /Content-Type: application\/problem\+json/)
  t.match(big.text, /"code":"RO2KEY_HEADERS_TOO_LARGE"/)
  const slow = await raw(port, 'GET /health HTTP/1.1\r\nHost: x\r\n')
  t.match(slow.text, /^HTTP\/1\.1 408 /)
  t.match(slow.text, /"code":"RO2KEY_REQUEST_TIMEOUT"/)
  t.ok(slow.ms < 4000, `slow request cut after ${slow.ms} ms`)
  const ok = await fetch(`http://127.0.0.1:${port}/health`)
  t.equal(ok.status, 200, 'still serving')
})
