import { createRequire } from 'node:module'
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import t from 'tap'
import type { Page } from 'playwright-core'
import { loopbackPage, SESSION_SECRET, signIn, startWebRig } from './helpers.js'

const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source
const started = Date.now()
const rig = await startWebRig(t)
const { base } = rig

/** axe-core in the page: the serious and critical violations (there must be none). */
async function accessibility (page: Page): Promise<string[]> {
  // through the DevTools protocol, which the page's CSP does not govern (a script tag would be refused)
  await page.evaluate(`${axeSource}\n;true`)
  const result = await page.evaluate(async () => await (globalThis as any).axe.run()) as {
    violations: Array<{ id: string, impact: string }>
  }
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)
}

/** The export lines on the credentials page, as a map. */
function exported (text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]))
}

t.test('a person signs in, sees the team\'s roles, gets credentials, opens the console, signs out', async (t) => {
  const page = await loopbackPage(rig)
  await page.goto(base + '/')
  t.equal(await page.getByTestId('sign-in').count(), 1, 'signed out: a sign-in button')
  t.same(await accessibility(page), [], 'signed-out page: no serious or critical axe violation')
  await rig.screenshot(page, '1-signed-out')

  await signIn(page, base, 'alice')
  t.equal(await page.getByTestId('uid').textContent(), 'alice')
  t.equal(await page.getByTestId('teams').textContent(), 'mint', 'the team from the ID token')
  const roles = await page.getByTestId('role-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-role')))
  t.same(roles, ['S3Mint*', 'S3MintReadOnly'], 'the roles GET /roles lists for team mint')
  t.same(await accessibility(page), [], 'home page: no serious or critical axe violation')
  await rig.screenshot(page, '2-home')

  const cookies = await page.context().cookies()
  const session = cookies.find((c) => c.name === '__Host-ro2key')
  t.match(session, { httpOnly: true, secure: true, sameSite: 'Lax', path: '/' }, 'the session cookie\'s flags')
  t.notOk(session?.value.includes('alice'), 'the cookie is encrypted')

  const row = page.locator('[data-role="S3MintReadOnly"]')
  await row.getByTestId('show-credentials').click()
  const vars = exported(await page.getByTestId('export-lines').textContent() ?? '')
  t.match(await page.getByTestId('aws-config').textContent(), /^\[profile S3MintReadOnly\]\nregion = /)
  t.same(await accessibility(page), [], 'credentials page: no serious or critical axe violation')
  await rig.screenshot(page, '3-credentials')
  const sts = rig.peers.stsClient(t, {
    credentials: {
      accessKeyId: vars.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: vars.AWS_SECRET_ACCESS_KEY ?? '',
      sessionToken: vars.AWS_SESSION_TOKEN
    }
  })
  const who = await sts.send(new GetCallerIdentityCommand({}))
  t.match(who.Arn, /:assumed-role\/S3MintReadOnly\/alice$/, 'the credentials act as alice in the role')

  await page.goto(base + '/')
  await page.locator('[data-role="S3MintReadOnly"]').getByTestId('open-console').click()
  await page.waitForURL('https://console.aws.amazon.com/**')
  t.equal(rig.federation.logins.length, 1, 'through the federation endpoint to the console')
  t.match(rig.federation.logins[0], { issuer: base })
  t.match(rig.logs.audits().filter((a) => a.via === 'web').map((a) => a.event).sort(), ['console', 'issued'])

  await page.goto(base + '/')
  await page.getByTestId('sign-out').click()
  await page.waitForURL(base + '/')
  t.equal(await page.getByTestId('sign-in').count(), 1, 'signed out again')
  const after = await page.context().request.post(base + '/me/credentials', { form: { role: 'S3MintReadOnly' } })
  t.equal(after.status(), 401, 'a form after sign-out asks to sign in')
  await page.context().close()
})

t.test('CSRF: a form posted without its token is refused with 403', async (t) => {
  const page = await loopbackPage(rig)
  await signIn(page, base, 'alice')
  const before = rig.federation.logins.length
  const res = await page.context().request.post(base + '/me/console', { form: { role: 'S3MintReadOnly' }, maxRedirects: 0 })
  t.equal(res.status(), 403)
  t.match(await res.text(), /RO2KEY_CSRF_TOKEN_INVALID/)
  const wrong = await page.context().request.post(base + '/me/console', {
    form: { role: 'S3MintReadOnly', _csrf: 'forged' }, maxRedirects: 0
  })
  t.equal(wrong.status(), 403, 'a forged token too')
  t.equal(rig.federation.logins.length, before, 'no console sign-in happened')
  t.match(res.headers()['content-security-policy'], /form-action 'self'/, 'a strict CSP on the pages')
  await page.context().close()
})

t.test('a team without roles, and a role the team may not use', async (t) => {
  const page = await loopbackPage(rig)
  await signIn(page, base, 'bob')
  t.equal(await page.getByTestId('teams').textContent(), 'billing')
  t.same(await page.getByTestId('role-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-role'))), ['Billing*'])
  const token = await page.locator('input[name=_csrf]').first().inputValue()
  const res = await page.context().request.post(base + '/me/credentials', { form: { role: 'S3MintReadOnly', _csrf: token } })
  t.equal(res.status(), 403, 'the API\'s authorization says no')
  t.match(await res.text(), /RO2KEY_ROLE_NOT_ALLOWED/)
  await page.context().close()
})

t.test('sign-in errors show a page saying what happened, never a stack trace', async (t) => {
  const page = await loopbackPage(rig)
  const none = await page.goto(base + '/auth/callback?code=abc&state=xyz')
  t.equal(none?.status(), 400)
  t.match(await page.getByTestId('error-detail').textContent(), /No sign-in is in progress/)
  await page.goto(base + '/auth/login')
  await page.locator('input[name=login]').waitFor()
  const wrongState = await page.goto(base + '/auth/callback?code=abc&state=not-the-one')
  t.equal(wrongState?.status(), 400)
  t.match(await page.getByTestId('error-detail').textContent(), /did not check out/)
  await page.goto(base + '/auth/login')
  const denied = await page.goto(base + '/auth/callback?error=access_denied&error_description=no&state=x')
  t.equal(denied?.status(), 400)
  await rig.screenshot(page, '4-sign-in-error')
  const body = await page.content()
  t.notMatch(body, /at \w+ \(|node_modules/, 'no stack trace')
  await page.context().close()
})

t.test('no secret in any log line', async (t) => {
  const secrets = [rig.idp.clientSecret, SESSION_SECRET, ...rig.federation.secrets]
  t.same(secrets.filter((s) => rig.logs.text.includes(s)), [])
  t.comment(`browser tests took ${Date.now() - started} ms`)
})
