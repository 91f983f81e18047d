import { CreateUserCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam'
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import t from 'tap'
import type { Page } from 'playwright-core'
import { loopbackPage, signIn, startWebRig } from './helpers.js'

const POLICY = `
teams:
  mint: { roles: [S3MintReadOnly] }
  billing: { roles: [] }
iam_users: { teams: [mint], name: "p-{uid}" }
`
const rig = await startWebRig(t, { env: { POLICY } })
const { base, peers } = rig
await peers.iam.send(new CreateUserCommand({ UserName: 'p-alice' }))

const inIam = async (): Promise<Array<{ id: string, status: string }>> =>
  ((await peers.iam.send(new ListAccessKeysCommand({ UserName: 'p-alice' }))).AccessKeyMetadata ?? [])
    .map((k) => ({ id: k.AccessKeyId ?? '', status: k.Status ?? '' }))

/** The new key page: id and secret, and its once-only warning. */
async function shownKey (page: Page): Promise<{ id: string, secret: string, warning: string }> {
  return {
    id: (await page.getByTestId('new-key-id').textContent()) ?? '',
    secret: (await page.getByTestId('new-key-secret').textContent()) ?? '',
    warning: (await page.getByTestId('key-warning').textContent()) ?? ''
  }
}

const statusOf = async (page: Page, id: string) =>
  await page.locator(`[data-key="${id}"]`).getByTestId('key-status').textContent()

t.test('a person creates, deactivates, rotates and deletes the own IAM user\'s keys', async (t) => {
  const page = await loopbackPage(rig)
  await signIn(page, base, 'alice')
  t.equal(await page.getByTestId('no-keys').count(), 1, 'no key yet')

  const [response] = await Promise.all([page.waitForResponse(base + '/me/keys'), page.getByTestId('key-create').click()])
  t.equal(response.headers()['cache-control'], 'no-store', 'the secret\'s page is never cached')
  const first = await shownKey(page)
  t.match(first.warning, /shown once/)
  const sts = peers.stsClient(t, { credentials: { accessKeyId: first.id, secretAccessKey: first.secret } })
  t.match((await sts.send(new GetCallerIdentityCommand({}))).Arn, /:user\/p-alice$/, 'the shown key works in moto')

  await page.goto(base + '/')
  t.equal(await statusOf(page, first.id), 'Active')
  t.match(await page.locator(`[data-key="${first.id}"]`).getByTestId('key-last-used').textContent(), /\(sts\)/)
  await page.locator(`[data-key="${first.id}"]`).getByTestId('key-toggle').click()
  await page.waitForURL(base + '/')
  t.equal(await statusOf(page, first.id), 'Inactive', 'deactivated on the page')
  t.same(await inIam(), [{ id: first.id, status: 'Inactive' }], 'and in IAM')

  await page.getByTestId('key-rotate').click()
  const second = await shownKey(page)
  t.not(second.id, first.id)
  t.match(await page.getByTestId('replaced').textContent(), new RegExp(`${first.id}: Inactive`))
  t.same((await inIam()).map((k) => k.id).sort(), [first.id, second.id].sort())

  await page.goto(base + '/')
  await page.locator(`[data-key="${first.id}"]`).getByTestId('key-delete').click()
  await page.waitForURL(base + '/')
  t.equal(await page.locator(`[data-key="${first.id}"]`).count(), 0, 'the old key is gone from the page')
  t.same(await inIam(), [{ id: second.id, status: 'Active' }], 'and from IAM')
  await rig.screenshot(page, 'keys')

  for (const secret of [first.secret, second.secret]) t.notOk(rig.logs.text.includes(secret), 'no secret in the log')
  const events = rig.logs.audits().filter((a) => a.accessKeyId !== undefined).map((a) => a.event)
  t.same(events, ['created', 'deactivated', 'created', 'deactivated', 'deleted'])
  await page.context().close()
})

t.test('the keys forms need the CSRF token; a team outside iam_users sees no keys section', async (t) => {
  const page = await loopbackPage(rig)
  await signIn(page, base, 'alice')
  const forged = await page.context().request.post(base + '/me/keys', { form: {} })
  t.equal(forged.status(), 403, 'no _csrf, no key')
  t.equal((await inIam()).length, 1, 'nothing created')
  await page.context().close()

  const bob = await loopbackPage(rig)
  await signIn(bob, base, 'bob')
  t.equal(await bob.getByTestId('section-keys').count(), 0, 'billing is not under iam_users.teams')
  await bob.context().close()
})
