// The demo's console step: the loopback federation peer (dev/peers/federation.ts) stands in for
// AWS's sign-in endpoint, which a machine without internet cannot reach.
// demo.ts starts it (for the web page too), with moto's STS to check each session's credentials.
import type { FederationPeer } from '../../dev/peers/federation.js'

/** GET /console/ROLE with the token, then opens the login URL at the peer: it must send the browser on (302). */
export async function showConsole (url: string, token: string, role: string, federation: FederationPeer): Promise<void> {
  const res = await fetch(`${url}/console/${role}`, { headers: { authorization: `Bearer ${token}` } })
  const body = await res.json() as { url?: string, expiration?: string, detail?: string }
  if (res.status !== 200 || body.url === undefined) throw new Error(`/console/${role} answered ${res.status}: ${body.detail ?? ''}`)
  // The login URL signs whoever opens it in: show only where it goes, never the SigninToken.
  const login = new URL(body.url)
  console.log(`ro2key: 200, a login URL at ${login.origin}${login.pathname}?Action=login&… (secret: it signs in), ` +
    `session until ${body.expiration ?? '?'}`)
  const opened = await fetch(body.url, { redirect: 'manual' })
  const destination = opened.headers.get('location')
  if (opened.status !== 302 || destination === null) throw new Error(`the federation peer answered ${opened.status}`)
  const arn = federation.logins.at(-1)?.arn ?? '?'
  console.log(`federation endpoint: 302 to ${destination}, signed in as ${arn}`)
}
