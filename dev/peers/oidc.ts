import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import Provider from 'oidc-provider'

/**
 * A real OAuth2/OIDC server (oidc-provider 9) in this process on a loopback port: the
 * client-credentials grant issues JWT (RFC 9068) or opaque access tokens, RFC 7662
 * introspection answers for the opaque ones, and discovery + JWKS are served as usual.
 * A thin wrapper in front counts calls per endpoint and can inject faults.
 */
export interface OidcClient {
  clientId: string
  clientSecret: string
  /** extra claims in every access token of this client, e.g. { team: 'mint' } */
  claims?: Record<string, unknown>
}

export interface OidcOptions {
  /** defaults to DEFAULT_CLIENTS */
  clients?: OidcClient[]
  /** the resource indicator, which becomes the JWT `aud` */
  audience?: string
  /** seconds */
  accessTokenTTL?: number
  /** fixed port (for the demo); default a free one */
  port?: number
}

export type Endpoint = 'discovery' | 'jwks' | 'token' | 'introspection'
export type Fault = 'ok' | 'error500' | 'garbage' | 'hang'

export interface IssueOptions {
  /** defaults to the first client */
  clientId?: string
  /** defaults to 'jwt' */
  format?: 'jwt' | 'opaque'
  /** space-separated; defaults to every scope the server knows */
  scope?: string
}

export interface OidcPeer {
  issuer: string
  discoveryUrl: string
  tokenUrl: string
  jwksUrl: string
  introspectionUrl: string
  audience: string
  clients: OidcClient[]
  /** the confidential client a resource server (ro2key) uses for introspection */
  introspector: OidcClient
  /** requests seen per endpoint */
  calls: Record<Endpoint, number>
  faults: Record<Endpoint, Fault>
  /** the key the server signs JWT access tokens with (for crafting tokens in tests) */
  signingKey: { kid: string, alg: 'RS256', privateKey: KeyObject, publicJwk: Record<string, unknown> }
  /** extra public JWKs to serve next to the server's own (key rotation tests) */
  extraJwks: Array<Record<string, unknown>>
  issueToken (opts?: IssueOptions): Promise<string>
  resetCalls (): void
  stop (): Promise<void>
}

export const SCOPES = ['uid', 'ro2key']
export const DEFAULT_AUDIENCE = 'https://ro2key.example.org'
export const DEFAULT_CLIENTS: OidcClient[] = [
  { clientId: 'robot-mint', clientSecret: 'robot-mint-secret', claims: { team: 'mint' } },
  { clientId: 'robot-billing', clientSecret: 'robot-billing-secret', claims: { team: 'billing' } },
  // no team claim: the policy's members section maps this uid to a team
  { clientId: 'stups_mint-sync', clientSecret: 'mint-sync-secret' }
]
export const INTROSPECTOR: OidcClient = { clientId: 'ro2key', clientSecret: 'ro2key-introspection-secret-never-logged' }

const PATHS: Record<string, Endpoint> = {
  '/.well-known/openid-configuration': 'discovery',
  '/jwks': 'jwks',
  '/token': 'token',
  '/token/introspection': 'introspection'
}

/** The resource indicator that asks for an opaque token. */
const opaqueResource = (audience: string): string => `${audience.replace(/\/$/, '')}/opaque`

function fail (res: ServerResponse, fault: Fault, hanging: Set<ServerResponse>): void {
  if (fault === 'hang') { hanging.add(res); return }
  if (fault === 'garbage') { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html>oops</html>'); return }
  res.writeHead(500, { 'content-type': 'application/json' })
  res.end('{"error":"server_error"}')
}

function signingKey (): OidcPeer['signingKey'] {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const kid = 'peer-rs256-1'
  return { kid, alg: 'RS256', privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } }
}

function providerConfig (opts: Required<Omit<OidcOptions, 'port'>>, key: OidcPeer['signingKey']): Record<string, unknown> {
  const claimsOf = new Map(opts.clients.map((c) => [c.clientId, c.claims ?? {}]))
  return {
    clients: [...opts.clients, INTROSPECTOR].map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic'
    })),
    jwks: { keys: [{ ...key.privateKey.export({ format: 'jwk' }), kid: key.kid, alg: key.alg, use: 'sig' }] },
    scopes: SCOPES,
    ttl: { ClientCredentials: opts.accessTokenTTL },
    cookies: { keys: ['oidc-peer-cookie-key'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // only the resource server's own client may introspect (as a real deployment would)
        allowedPolicy: async (ctx: any) => ctx.oidc.client.clientId === INTROSPECTOR.clientId
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => opts.audience,
        useGrantedResource: async () => true,
        // the resource indicator picks the format; both kinds carry the same audience
        getResourceServerInfo: async (_ctx: unknown, resource: string) => ({
          scope: SCOPES.join(' '),
          audience: opts.audience,
          accessTokenTTL: opts.accessTokenTTL,
          accessTokenFormat: resource === opaqueResource(opts.audience) ? 'opaque' : 'jwt',
          jwt: { sign: { alg: key.alg } }
        })
      }
    },
    extraTokenClaims: async (_ctx: unknown, token: { clientId: string }) => claimsOf.get(token.clientId)
  }
}

/** Starts oidc-provider on 127.0.0.1; stop() closes it and any held connection. */
export async function startOidc (options: OidcOptions = {}): Promise<OidcPeer> {
  const opts = {
    clients: options.clients ?? DEFAULT_CLIENTS,
    audience: options.audience ?? DEFAULT_AUDIENCE,
    accessTokenTTL: options.accessTokenTTL ?? 3600
  }
  const key = signingKey()
  const hanging = new Set<ServerResponse>()
  const peer = {
    audience: opts.audience,
    clients: opts.clients,
    introspector: INTROSPECTOR,
    calls: { discovery: 0, jwks: 0, token: 0, introspection: 0 },
    faults: { discovery: 'ok', jwks: 'ok', token: 'ok', introspection: 'ok' },
    signingKey: key,
    extraJwks: []
  } as unknown as OidcPeer
  let handle: (req: any, res: any) => void = (_req, res) => { res.writeHead(503); res.end() }
  const server: Server = createServer((req, res) => {
    const endpoint = PATHS[new URL(req.url ?? '/', 'http://x').pathname]
    if (endpoint) {
      peer.calls[endpoint]++
      if (peer.faults[endpoint] !== 'ok') return fail(res, peer.faults[endpoint], hanging)
      if (endpoint === 'jwks' && peer.extraJwks.length > 0) {
        res.writeHead(200, { 'content-type': 'application/jwk-set+json' })
        res.end(JSON.stringify({ keys: [key.publicJwk, ...peer.extraJwks] }))
        return
      }
    }
    handle(req, res)
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const issuer = `http://127.0.0.1:${port}`
  const provider = new Provider(issuer, providerConfig(opts, key))
  handle = provider.callback()
  Object.assign(peer, {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    tokenUrl: `${issuer}/token`,
    jwksUrl: `${issuer}/jwks`,
    introspectionUrl: `${issuer}/token/introspection`
  })
  peer.issueToken = async ({ clientId, format = 'jwt', scope = SCOPES.join(' ') } = {}) => {
    const client = opts.clients.find((c) => c.clientId === (clientId ?? opts.clients[0]?.clientId))
    if (!client) throw new Error(`oidc peer: unknown client ${clientId}`)
    const res = await fetch(peer.tokenUrl, {
      method: 'POST',
      headers: { authorization: 'Basic ' + Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64') },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource: format === 'opaque' ? opaqueResource(opts.audience) : opts.audience })
    })
    const body = await res.json() as { access_token?: string }
    if (!res.ok || !body.access_token) throw new Error(`oidc peer: token request failed with ${res.status}: ${JSON.stringify(body)}`)
    return body.access_token
  }
  peer.resetCalls = () => { for (const k of Object.keys(peer.calls) as Endpoint[]) peer.calls[k] = 0 }
  peer.stop = async () => {
    for (const res of hanging) res.destroy()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  return peer
}

// CLI for demos: tsx dev/peers/oidc.ts [PORT] — prints the URLs and one token of each kind.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const peer = await startOidc({ port: Number(process.argv[2] ?? 0) })
  const { issuer, tokenUrl, jwksUrl, introspectionUrl, audience, clients } = peer
  process.stdout.write(JSON.stringify({
    issuer,
    tokenUrl,
    jwksUrl,
    introspectionUrl,
    audience,
    clients,
    introspector: peer.introspector,
    jwt: await peer.issueToken(),
    opaque: await peer.issueToken({ format: 'opaque' })
  }, null, 2) + '\n')
  process.once('SIGTERM', () => { void peer.stop().then(() => process.exit(0)) })
}
