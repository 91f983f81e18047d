import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'

/**
 * A Zalando-style tokeninfo server: GET /oauth2/tokeninfo?access_token=T (or Authorization:
 * Bearer T) answers 200 with {uid, realm, scope[], expires_in, ...} for a known token and
 * 400 {"error":"invalid_token"} otherwise, as the real one does.
 */
export interface TokenInfoEntry {
  uid: string
  realm?: string
  scope?: string[] | string
  /** seconds from now; defaults to 3600 */
  expiresIn?: number
  [claim: string]: unknown
}

export type FaultMode = 'ok' | 'notfound' | 'error500' | 'throttle' | 'garbage' | 'hang' | 'array' | 'slow' | 'reset-once'

export interface TokeninfoPeer {
  url: string
  calls: number
  mode: FaultMode
  /** with mode 'slow': answer normally after this many milliseconds */
  delayMs: number
  add (token: string, entry: TokenInfoEntry): void
  stop (): Promise<void>
}

function answer (res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' })
  res.end(JSON.stringify(body))
}

function tokenOf (req: IncomingMessage): string | null {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const fromQuery = url.searchParams.get('access_token')
  if (fromQuery) return fromQuery
  const header = req.headers.authorization ?? ''
  return /^bearer (.+)$/i.exec(header)?.[1] ?? null
}

export async function startTokeninfo (port = 0): Promise<TokeninfoPeer> {
  const tokens = new Map<string, { entry: TokenInfoEntry, expiresAt: number }>()
  const hanging = new Set<ServerResponse>()
  const peer = { calls: 0, mode: 'ok' as FaultMode, delayMs: 0 } as TokeninfoPeer
  const server: Server = createServer((req, res) => {
    peer.calls++
    if (peer.mode === 'slow') {
      hanging.add(res)
      setTimeout(() => { hanging.delete(res); respond(req, res) }, peer.delayMs)
      return
    }
    respond(req, res)
  })
  function respond (req: IncomingMessage, res: ServerResponse): void {
    if (!req.url?.startsWith('/oauth2/tokeninfo')) return answer(res, 404, { error: 'not_found' })
    switch (peer.mode) {
      case 'notfound': return answer(res, 404, { error: 'not_found' })
      case 'error500': return answer(res, 500, { error: 'server_error' })
      case 'throttle': return answer(res, 429, { error: 'too_many_requests' })
      case 'garbage': res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html>oops</html>'); return
      case 'array': return answer(res, 200, ['not', 'an', 'object'])
      case 'hang': hanging.add(res); return
      // the connection is cut before any answer (as a restarting server does), once
      case 'reset-once': peer.mode = 'ok'; req.socket.destroy(); return
    }
    const token = tokenOf(req)
    const known = token ? tokens.get(token) : undefined
    if (!token || !known) return answer(res, 400, { error: 'invalid_token', error_description: 'Access Token not valid' })
    const { expiresIn: _e, ...claims } = known.entry
    const expiresIn = Math.round((known.expiresAt - Date.now()) / 1000)
    if (expiresIn <= 0) return answer(res, 400, { error: 'invalid_token', error_description: 'Access Token not valid' })
    answer(res, 200, {
      access_token: token,
      token_type: 'Bearer',
      grant_type: 'password',
      realm: '/services',
      scope: ['uid'],
      ...claims,
      expires_in: expiresIn
    })
  }
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const { port: bound } = server.address() as AddressInfo
  peer.url = `http://127.0.0.1:${bound}/oauth2/tokeninfo`
  peer.add = (token, entry) => {
    tokens.set(token, { entry, expiresAt: Date.now() + (entry.expiresIn ?? 3600) * 1000 })
  }
  peer.stop = async () => {
    for (const res of hanging) res.destroy()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  return peer
}

// CLI for the demo: tsx dev/peers/tokeninfo.ts PORT TOKEN=UID[:TEAM] ...
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [portArg, ...specs] = process.argv.slice(2)
  const peer = await startTokeninfo(Number(portArg ?? 0))
  for (const spec of specs) {
    const [token, who] = spec.split('=') as [string, string]
    const [uid, team] = who.split(':') as [string, string | undefined]
    peer.add(token, { uid, expiresIn: 86400, ...(team ? { team } : {}) })
  }
  process.stdout.write(`tokeninfo listening on ${peer.url}\n`)
  process.once('SIGTERM', () => { void peer.stop().then(() => process.exit(0)) })
}
