import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser, type Page } from 'playwright-core'
import { startFederation, type FederationPeer } from '../../dev/peers/federation.js'
import { freePort } from '../../dev/peers/free-port.js'
import { startLoginPeer, type LoginPeer } from '../../dev/peers/oidc-login.js'
import { testConfig, type LogCapture } from '../helpers/build.js'
import { withPeers, type Peers } from '../helpers/peers.js'

interface Teardown { teardown (fn: () => unknown): void }

export const SESSION_SECRET = 'web-test-session-secret-of-at-least-32-bytes!'
export const ARTIFACTS = new URL('../../.tap/web-screenshots/', import.meta.url)

/** Debian's Chromium (apt-get install chromium), never a downloaded browser. */
export function chromiumPath (): string {
  return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim()
}

export interface WebRig {
  peers: Peers<{ roles: string[] }>
  federation: FederationPeer
  idp: LoginPeer
  app: FastifyInstance
  logs: LogCapture
  base: string
  browser: Browser
  screenshot (page: Page, name: string): Promise<void>
}

/** moto, the federation peer, the IdP, ro2key listening on loopback with the web page on, and Chromium. */
export async function startWebRig (t: Teardown): Promise<WebRig> {
  const peers = await withPeers(t, { roles: ['S3MintReadOnly'] })
  const federation = await startFederation({ stsUrl: peers.moto.url })
  t.teardown(async () => { await federation.stop() })
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const idp = await startLoginPeer({ redirectUri: `${base}/auth/callback` })
  t.teardown(async () => { await idp.stop() })
  const config = testConfig({
    TOKENINFO_URL: peers.tokeninfo.url,
    FEDERATION_URL: federation.url,
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: idp.clientId,
    OIDC_CLIENT_SECRET: idp.clientSecret,
    PUBLIC_URL: base,
    SESSION_SECRET
  })
  const { app, logs } = await peers.build(t, config)
  await app.listen({ port, host: '127.0.0.1' })
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] })
  t.teardown(async () => { await browser.close() })
  mkdirSync(ARTIFACTS, { recursive: true })
  return {
    peers,
    federation,
    idp,
    app,
    logs,
    base,
    browser,
    async screenshot (page, name) { await page.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname, fullPage: true }) }
  }
}

/** A fresh browser context whose requests never leave loopback: the AWS console is a stand-in page. */
export async function loopbackPage (rig: WebRig): Promise<Page> {
  const context = await rig.browser.newContext()
  await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, async (route) => {
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>AWS console</title><h1>AWS console stand-in</h1>' })
  })
  return await context.newPage()
}

/** Signs in at the IdP's interactive login page as `login`. */
export async function signIn (page: Page, base: string, login: string): Promise<void> {
  await page.goto(base + '/')
  await page.getByTestId('sign-in').click()
  await page.locator('input[name=login]').fill(login)
  await page.locator('input[name=password]').fill('any password')
  await page.locator('button[type=submit]').click()
  await page.waitForURL(base + '/')
}
