import { randomBytes } from 'node:crypto'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'

/**
 * A loopback stand-in for the AWS console federation endpoint (no emulator has it), after
 * AWS's "custom identity broker" documentation and what clients such as aws-vault meet:
 *   GET /federation?Action=getSigninToken&Session=<JSON {sessionId, sessionKey, sessionToken}>[&SessionDuration=900..43200]
 *     -> 200 {"SigninToken": "..."}; a bad Session, a SessionDuration out of range, or any
 *        SessionDuration for role-chained credentials -> 400 "Invalid credentials parameter"
 *   GET /federation?Action=login&Issuer=..&Destination=..&SigninToken=..
 *     -> 302 to Destination while the token is fresh (15 minutes) and unused, else 400.
 * With stsUrl the session's credentials are checked with STS GetCallerIdentity, as AWS does.
 */
export type FederationFault = 'ok' | 'error500' | 'throttle' | 'garbage' | 'no-token' | 'hang'

export interface SigninRequest {
  sessionId: string
  sessionDuration: string | null
}

export interface Login {
  /** the session's STS identity, when stsUrl is set */
  arn: string | undefined
  sessionDuration: string | null
  issuer: string | null
  destination: string
}

export interface FederationPeer {
  url: string
  calls: number
  mode: FederationFault
  /** treat every session as role-chained: SessionDuration is then refused */
  roleChained: boolean
  /** the STS region the session's credentials are checked in (moto keeps sessions per region) */
  stsRegion: string
  /** the getSigninToken requests answered so far (without the secret parts) */
  requests: SigninRequest[]
  logins: Login[]
  /** every session key, session token and sign-in token seen, for tests that grep logs */
  secrets: string[]
  stop (): Promise<void>
}

export interface FederationPeerOptions {
  /** STS endpoint (moto) to check the session's credentials with */
  stsUrl?: string
}

const TOKEN_LIFETIME_MS = 15 * 60 * 1000
const MIN_SESSION_DURATION = 900
const MAX_SESSION_DURATION = 43200

// AWS answers a bad getSigninToken with an HTML error page, not JSON.
function invalid (res: ServerResponse, what = 'Invalid credentials parameter'): void {
  res.writeHead(400, { 'content-type': 'text/html;charset=utf-8' })
  res.end(`<html><head><title>Error 400</title></head><body><h1>HTTP Status 400 - ${what}</h1><p>The request sent by the client was syntactically incorrect.</p></body></html>`)
}

interface Session { sessionId: string, sessionKey: string, sessionToken: string }

function parseSession (raw: string | null): Session | undefined {
  if (!raw) return undefined
  try {
    const doc = JSON.parse(raw) as Record<string, unknown>
    const fields = [doc.sessionId, doc.sessionKey, doc.sessionToken]
    return fields.every((f) => typeof f === 'string' && f !== '') ? doc as unknown as Session : undefined
  } catch {
    return undefined
  }
}

function validDuration (raw: string | null): boolean {
  if (raw === null) return true
  const n = Number(raw)
  return /^\d+$/.test(raw) && n >= MIN_SESSION_DURATION && n <= MAX_SESSION_DURATION
}

async function identityOf (session: Session, stsUrl: string, region: string): Promise<string | undefined> {
  const sts = new STSClient({
    region,
    endpoint: stsUrl,
    maxAttempts: 1,
    credentials: { accessKeyId: session.sessionId, secretAccessKey: session.sessionKey, sessionToken: session.sessionToken }
  })
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn
  } catch {
    return undefined
  } finally {
    sts.destroy()
  }
}

export async function startFederation (opts: FederationPeerOptions = {}): Promise<FederationPeer> {
  const tokens = new Map<string, Omit<Login, 'issuer' | 'destination'> & { issuedAt: number }>()
  const hanging = new Set<ServerResponse>()
  const peer = { calls: 0, mode: 'ok', roleChained: false, stsRegion: 'us-east-1', requests: [], logins: [], secrets: [] } as unknown as FederationPeer

  async function getSigninToken (q: URLSearchParams, res: ServerResponse): Promise<void> {
    const session = parseSession(q.get('Session'))
    const sessionDuration = q.get('SessionDuration')
    if (session) peer.secrets.push(session.sessionKey, session.sessionToken)
    if (!session || !validDuration(sessionDuration)) return invalid(res)
    if (sessionDuration !== null && peer.roleChained) return invalid(res)
    const arn = opts.stsUrl ? await identityOf(session, opts.stsUrl, peer.stsRegion) : undefined
    if (opts.stsUrl && !arn?.includes(':assumed-role/')) return invalid(res)
    peer.requests.push({ sessionId: session.sessionId, sessionDuration })
    switch (peer.mode) {
      case 'error500': res.writeHead(500, { 'content-type': 'text/html' }); res.end('<html>Internal Failure</html>'); return
      case 'throttle': res.writeHead(429, { 'content-type': 'text/html' }); res.end('<html>Rate exceeded</html>'); return
      case 'garbage': res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html>maintenance</html>'); return
      case 'no-token': res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"Token":"x"}'); return
    }
    const token = randomBytes(384).toString('base64url')
    tokens.set(token, { arn, sessionDuration, issuedAt: Date.now() })
    peer.secrets.push(token)
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ SigninToken: token }))
  }

  function login (q: URLSearchParams, res: ServerResponse): void {
    const token = tokens.get(q.get('SigninToken') ?? '')
    const destination = q.get('Destination')
    if (!token || !destination || Date.now() - token.issuedAt > TOKEN_LIFETIME_MS) return invalid(res, 'Invalid SigninToken')
    tokens.delete(q.get('SigninToken') ?? '')
    peer.logins.push({ arn: token.arn, sessionDuration: token.sessionDuration, issuer: q.get('Issuer'), destination })
    res.writeHead(302, { location: destination })
    res.end()
  }

  const server = createServer((req, res) => {
    peer.calls++
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== '/federation') { res.writeHead(404); res.end(); return }
    if (peer.mode === 'hang') { hanging.add(res); return }
    const action = url.searchParams.get('Action')
    if (action === 'getSigninToken') { void getSigninToken(url.searchParams, res); return }
    if (action === 'login') return login(url.searchParams, res)
    invalid(res, 'Invalid Action')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/federation`
  peer.stop = async () => {
    for (const res of hanging) res.destroy()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  return peer
}
