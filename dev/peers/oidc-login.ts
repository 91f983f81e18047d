import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import Provider from 'oidc-provider'

/**
 * oidc-provider 9 as the company identity provider people sign in with: its interactive
 * (development) login page, one confidential web client (authorization code + PKCE,
 * client_secret_basic), and the ID token carrying `team` and `amr`. Any password is accepted;
 * the login name must be one of `users`.
 */
export interface LoginPeerOptions {
  /** ro2key's redirect URI, PUBLIC_URL/auth/callback */
  redirectUri: string
  /** login name -> its claims, e.g. { alice: { team: 'mint' } } */
  users?: Record<string, Record<string, unknown>>
  port?: number
}

export interface LoginPeer {
  issuer: string
  clientId: string
  clientSecret: string
  users: Record<string, Record<string, unknown>>
  stop (): Promise<void>
}

export const DEMO_USERS = { alice: { team: 'mint', name: 'Alice' }, bob: { team: 'billing', name: 'Bob' } }
export const WEB_CLIENT = { clientId: 'ro2key-web', clientSecret: 'ro2key-web-secret-never-logged' }

/** Starts the IdP on 127.0.0.1; stop() closes it. */
export async function startLoginPeer (opts: LoginPeerOptions): Promise<LoginPeer> {
  const users: Record<string, Record<string, unknown>> = opts.users ?? DEMO_USERS
  let handle: (req: any, res: any) => void = (_req, res) => { res.writeHead(503); res.end() }
  const server: Server = createServer((req, res) => handle(req, res))
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const provider = new Provider(issuer, {
    clients: [{
      client_id: WEB_CLIENT.clientId,
      client_secret: WEB_CLIENT.clientSecret,
      redirect_uris: [opts.redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic'
    }],
    claims: { openid: ['sub'], profile: ['name', 'team'], email: ['email'] },
    // the team in the ID token itself, as many company IdPs are set up to do
    conformIdTokenClaims: false,
    cookies: { keys: ['oidc-login-peer-cookie-key'] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    findAccount: async (_ctx: unknown, sub: string) => {
      const claims = users[sub]
      if (claims === undefined) return undefined
      return { accountId: sub, claims: async () => ({ sub, ...claims }) }
    },
    // no consent page: the company has consented for its own employees
    loadExistingGrant: async (ctx: any) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId })
      grant.addOIDCScope('openid profile email')
      grant.addOIDCClaims(['team', 'name'])
      await grant.save()
      return grant
    }
  } as any)
  handle = provider.callback()
  return {
    issuer,
    ...WEB_CLIENT,
    users,
    async stop () {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

// For the demo: tsx dev/peers/oidc-login.ts REDIRECT_URI [PORT]
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const peer = await startLoginPeer({ redirectUri: process.argv[2] ?? 'http://localhost:8080/auth/callback', port: Number(process.argv[3] ?? 0) })
  process.stdout.write(JSON.stringify({ issuer: peer.issuer, clientId: peer.clientId, users: Object.keys(peer.users) }) + '\n')
}
