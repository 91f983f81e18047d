import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import t from 'tap'
import type { Page } from 'playwright-core'
import { accessibility, loopbackPage, SESSION_SECRET, signIn, startWebRig } from './helpers.js'

// mint: a standing role that needs MFA and an eligible role without approval; ops: the same
// eligible role, approved by leads
const POLICY = `
teams:
  mint:
    roles: [S3MintReadOnly, S3MintProd]
    require_mfa: { roles: [S3MintProd] }
    eligible: { roles: [S3MintAdmin], max_grant: 3600 }
  ops:
    roles: []
    eligible: { roles: [S3MintAdmin], max_grant: 3600, approvers: [leads] }
  leads:
    roles: []
`
const started = Date.now()
const rig = await startWebRig(t, {
  roles: ['S3MintReadOnly', 'S3MintProd', 'S3MintAdmin'],
  users: { alice: { team: 'mint' }, bob: { team: 'ops' }, carol: { team: 'leads' } },
  env: { POLICY, STORE_TABLE: 'ro2key-web-grants', STORE_CREATE: 'true', SWEEP_INTERVAL: '0' }
})
const { base } = rig

const rows = async (page: Page, testId: string, attr: string): Promise<Array<string | null>> =>
  await page.getByTestId(testId).evaluateAll((els, a) => els.map((e) => e.getAttribute(a)), attr)

async function requestGrant (page: Page, minutes: string, reason: string): Promise<void> {
  const form = page.locator('[data-testid="grant-request"][data-name="S3MintAdmin"]')
  await form.getByTestId('grant-minutes').fill(minutes)
  await form.getByTestId('grant-reason').fill(reason)
  await form.getByTestId('request-grant').click()
  await page.getByTestId('grant-notice').waitFor()
}

t.test('a role that needs MFA says so and offers the step-up', async (t) => {
  const page = await loopbackPage(rig)
  await signIn(page, base, 'alice')
  t.equal(await page.getByTestId('mfa-state').textContent(), 'pwd', 'a plain sign-in: password only')
  const prod = page.locator('[data-testid="role-row"][data-role="S3MintProd"]')
  t.equal(await prod.getByTestId('mfa-required').getAttribute('data-satisfied'), 'false', 'marked, not satisfied')
  t.equal(await prod.getByTestId('step-up').getAttribute('href'), '/auth/login?max_age=0', 'the step-up link')
  const plain = page.locator('[data-testid="role-row"][data-role="S3MintReadOnly"]')
  t.equal(await plain.getByTestId('mfa-required').count(), 0, 'a role without require_mfa has no mark')
  t.same(await accessibility(page), [], 'roles with the MFA mark: no serious or critical axe violation')
  await rig.screenshot(page, 'grants-1-mfa-mark')

  const denied = await page.context().request.post(base + '/me/credentials', {
    form: { role: 'S3MintProd', _csrf: await page.locator('input[name=_csrf]').first().inputValue() }
  })
  t.equal(denied.status(), 401, 'the API\'s strength check refuses the role to this sign-in')
  const deniedPage = await denied.text()
  t.match(deniedPage, /RO2KEY_STEP_UP_REQUIRED/)
  t.match(deniedPage, /href="\/auth\/login\?max_age=0" data-testid="step-up"/, 'the error page offers the step-up')

  await prod.getByTestId('step-up').click()
  await page.locator('input[name=login]').waitFor()
  t.pass('max_age=0: the identity provider asks to sign in again instead of reusing its session')
  await page.locator('input[name=login]').fill('alice')
  await page.locator('input[name=password]').fill('any password')
  await page.locator('button[type=submit]').click()
  await page.waitForURL(base + '/')
  t.equal(await page.getByTestId('mfa-state').textContent(), 'pwd, otp', 'the step-up sign-in brought a second factor')
  t.equal(await prod.getByTestId('mfa-required').getAttribute('data-satisfied'), 'true', 'the mark is satisfied')
  t.equal(await prod.getByTestId('step-up').count(), 0, 'no step-up link any more')
  t.same(await accessibility(page), [], 'after the step-up: no serious or critical axe violation')
  await rig.screenshot(page, 'grants-1b-stepped-up')
  await prod.getByTestId('show-credentials').click()
  t.match(await page.getByTestId('aws-config').textContent(), /^\[profile S3MintProd\]/, 'now the role is vended')
  t.ok(rig.logs.audits().some((a) => a.event === 'denied' && a.reason === 'step-up-required'), 'denied audit')
  await page.context().close()
})

t.test('request a grant without approval, use it, see it tick, revoke it', async (t) => {
  const page = await loopbackPage(rig)
  await signIn(page, base, 'alice')
  t.same(await rows(page, 'eligible-row', 'data-name'), ['S3MintAdmin'], 'what team mint may request')
  await requestGrant(page, '20', 'fix the bucket policy')
  t.match(await page.getByTestId('grant-notice').textContent(), /role S3MintAdmin is yours for 20 minutes/)
  t.same(await rows(page, 'grant-row', 'data-status'), ['active'], 'active at once: no approvers')
  // the script rewrites the server's "20 min left" as m:ss
  await page.waitForFunction('/^\\d+:\\d\\d left$/.test(document.querySelector("[data-testid=grant-countdown]").textContent)')
  t.match(await page.getByTestId('grant-countdown').textContent(), /^(19|20):\d\d left$/, 'the countdown ticks (CSP-allowed script)')
  t.same(await accessibility(page), [], 'active grant: no serious or critical axe violation')
  await rig.screenshot(page, 'grants-2-active')

  await page.getByTestId('grant-row').getByTestId('grant-credentials').click()
  const text = await page.getByTestId('export-lines').textContent() ?? ''
  const vars = Object.fromEntries([...text.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]))
  const sts = rig.peers.stsClient(t, {
    credentials: {
      accessKeyId: vars.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: vars.AWS_SECRET_ACCESS_KEY ?? '', sessionToken: vars.AWS_SESSION_TOKEN
    }
  })
  const who = await sts.send(new GetCallerIdentityCommand({}))
  t.match(who.Arn, /:assumed-role\/S3MintAdmin\/alice$/, 'the grant gave alice the role')

  await page.goto(base + '/')
  await page.getByTestId('grant-row').getByTestId('revoke-grant').click()
  await page.getByTestId('grant-notice').waitFor()
  t.equal(await page.getByTestId('grant-row').count(), 0, 'no grant left')
  t.equal(await page.getByTestId('no-grants').count(), 1)
  t.same(await accessibility(page), [], 'after revoke: no serious or critical axe violation')
  await rig.screenshot(page, 'grants-3-revoked')
  const csrf = await page.locator('input[name=_csrf]').first().inputValue()
  const after = await page.context().request.post(base + '/me/credentials', { form: { role: 'S3MintAdmin', _csrf: csrf } })
  t.equal(after.status(), 403, 'the revoked grant no longer vends the role')
  t.match(await after.text(), /needs an active grant/)
  await page.context().close()
})

t.test('a request that needs approval: another person approves it', async (t) => {
  const bob = await loopbackPage(rig)
  await signIn(bob, base, 'bob')
  await requestGrant(bob, '30', 'incident <42>')
  t.match(await bob.getByTestId('grant-notice').textContent(), /waiting for approval by leads/)
  t.same(await rows(bob, 'grant-row', 'data-status'), ['pending'])
  t.equal(await bob.getByTestId('approve-grant').count(), 0, 'nobody approves their own request')
  t.equal(await bob.getByTestId('grant-state').textContent(), 'requested, see below')
  t.same(await accessibility(bob), [], 'pending request: no serious or critical axe violation')
  await rig.screenshot(bob, 'grants-4-pending')

  const carol = await loopbackPage(rig)
  await signIn(carol, base, 'carol')
  t.equal(await carol.getByTestId('no-eligible').count(), 1, 'leads may request nothing')
  const request = carol.locator('[data-testid="grant-row"][data-uid="bob"]')
  t.match(await request.textContent(), /incident <42>/, 'the approver sees the reason (escaped, as text)')
  t.same(await accessibility(carol), [], 'request to approve: no serious or critical axe violation')
  await rig.screenshot(carol, 'grants-5-approve')
  await request.getByTestId('approve-grant').click()
  await carol.getByTestId('grant-notice').waitFor()
  t.match(await carol.getByTestId('grant-notice').textContent(), /Approved bob's role S3MintAdmin/)
  t.equal(await carol.getByTestId('grant-row').count(), 0, 'an approved request leaves the approver\'s list')

  await bob.reload()
  t.same(await rows(bob, 'grant-row', 'data-status'), ['active'], 'bob\'s grant is active')
  t.match(await bob.getByTestId('grant-status').textContent(), /active/)
  await rig.screenshot(bob, 'grants-6-approved')
  await bob.getByTestId('revoke-grant').click()
  await bob.getByTestId('grant-notice').waitFor()
  t.equal(await bob.getByTestId('grant-row').count(), 0)
  const events = rig.logs.audits().filter((a) => a.grant !== undefined && a.uid === 'bob').map((a) => a.event)
  t.same(events, ['requested', 'approved', 'revoked'], 'the grant service\'s audit lines')
  await bob.context().close()
  await carol.context().close()
})

t.test('bad forms: 400 page, no CSRF token 403, signed out 401', async (t) => {
  const page = await loopbackPage(rig)
  await signIn(page, base, 'alice')
  const csrf = await page.locator('input[name=_csrf]').first().inputValue()
  const post = async (url: string, form: Record<string, string>) => await page.context().request.post(base + url, { form })
  const cases: Array<[string, Record<string, string>, number, RegExp]> = [
    ['/me/grants', { kind: 'role', name: 'S3MintAdmin', minutes: 'ten', _csrf: csrf }, 400, /minutes must be/],
    ['/me/grants', { kind: 'user', name: 'S3MintAdmin', _csrf: csrf }, 400, /kind must be/],
    ['/me/grants', { kind: 'role', name: '<x>', _csrf: csrf }, 400, /name must be/],
    ['/me/grants', { kind: 'role', name: 'S3MintAdmin', minutes: '90', _csrf: csrf }, 400, /RO2KEY_DURATION_ABOVE_CAP/],
    ['/me/grants', { kind: 'role', name: 'S3MintProd', _csrf: csrf }, 403, /RO2KEY_GRANT_NOT_ELIGIBLE/],
    ['/me/grants', { kind: 'role', name: 'S3MintAdmin' }, 403, /RO2KEY_CSRF_TOKEN_INVALID/],
    ['/me/grants/no-such-grant/approve', { _csrf: csrf }, 404, /RO2KEY_NOT_FOUND/],
    ['/me/grants/bad%20id/revoke', { _csrf: csrf }, 400, /not a grant id/]
  ]
  for (const [url, form, status, body] of cases) {
    const res = await post(url, form)
    t.equal(res.status(), status, `${url} ${JSON.stringify({ ...form, _csrf: undefined })}`)
    t.match(await res.text(), body)
  }
  t.equal(await page.getByTestId('grant-row').count(), 0, 'no grant was made')
  await page.context().close()
  const anonymous = await loopbackPage(rig)
  const res = await anonymous.context().request.post(base + '/me/grants', { form: { kind: 'role', name: 'S3MintAdmin' } })
  t.equal(res.status(), 401, 'signed out: sign in first')
  await anonymous.context().close()
})

t.test('no secret in any log line', async (t) => {
  const secrets = [rig.idp.clientSecret, SESSION_SECRET, ...rig.federation.secrets]
  t.same(secrets.filter((s) => rig.logs.text.includes(s)), [])
  t.comment(`grants browser tests took ${Date.now() - started} ms`)
})
