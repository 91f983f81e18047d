import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { testConfig } from '../helpers/build.js'
import { withPeers } from '../helpers/peers.js'
import { startFederation } from '../../dev/peers/federation.js'

// Issue 20, item 4: the console Issuer was the raw Host header (a@evil.example, a path, markup;
// HTTP/1.0 without Host gave "http://"). Now: CONSOLE_ISSUER, else PUBLIC_URL, else a plain Host, else 400.
const { moto, tokeninfo, build } = await withPeers(t, { roles: ['S3MintReadOnly'] })
const federation = await startFederation({ stsUrl: moto.url })
t.teardown(async () => { await federation.stop() })
tokeninfo.add('tok-mint', { uid: 'robot-x', team: 'mint' })

/** One raw request over a real socket, so that any Host (or none, in HTTP/1.0) reaches ro2key. */
async function raw (port: number, host: string | undefined, version = '1.1'): Promise<{ status: number, body: string }> {
  const lines = [`GET /console/S3MintReadOnly HTTP/${version}`, 'Authorization: Bearer tok-mint', 'Connection: close']
  if (host !== undefined) lines.push(`Host: ${host}`)
  const socket = connect(port, '127.0.0.1')
  socket.write(lines.join('\r\n') + '\r\n\r\n')
  let text = ''
  for await (const chunk of socket) text += String(chunk)
  const [head = '', body = ''] = text.split('\r\n\r\n')
  return { status: Number(head.split(' ')[1]), body }
}
const issuerOf = (body: string): string | null => new URL(JSON.parse(body).url).searchParams.get('Issuer')

async function listening (t: Parameters<typeof build>[0], env: Record<string, string> = {}): Promise<number> {
  const { app } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url, FEDERATION_URL: federation.url, ...env }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  return (app.server.address() as AddressInfo).port
}

t.test('without PUBLIC_URL: a plain Host is the Issuer, anything else is a 400', async (t) => {
  const port = await listening(t)
  const good = await raw(port, 'ro2key.internal:8080')
  t.equal(good.status, 200)
  t.equal(issuerOf(good.body), 'http://ro2key.internal:8080')
  for (const host of ['a@evil.example', 'evil.example/phish?x=', '<script>x</script>', 'evil.example#x', '']) {
    const res = await raw(port, host)
    t.equal(res.status, 400, `Host ${JSON.stringify(host)}`)
    t.notMatch(res.body, /evil|script/, 'not echoed')
  }
  const http10 = await raw(port, undefined, '1.0')
  t.equal(http10.status, 400, 'HTTP/1.0 without Host')
  t.match(JSON.parse(http10.body), { code: 'RO2KEY_BAD_REQUEST', detail: /PUBLIC_URL/ })
})

t.test('PUBLIC_URL (and CONSOLE_ISSUER, which wins) name the Issuer whatever the Host', async (t) => {
  const port = await listening(t, { PUBLIC_URL: 'https://ro2key.example.org' })
  for (const host of ['a@evil.example', 'ro2key.internal']) {
    const res = await raw(port, host)
    t.equal(res.status, 200)
    t.equal(issuerOf(res.body), 'https://ro2key.example.org')
  }
  t.equal(issuerOf((await raw(port, undefined, '1.0')).body), 'https://ro2key.example.org')
  const both = await listening(t, { PUBLIC_URL: 'https://ro2key.example.org', CONSOLE_ISSUER: 'https://console.example.org' })
  t.equal(issuerOf((await raw(both, 'x')).body), 'https://console.example.org')
})
