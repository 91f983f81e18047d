import t from 'tap'
import { bearer, grantPeers, testClock } from '../helpers/grants.js'

const peers = await grantPeers(t, 'ro2key-role-grants')
const { config } = peers

t.test('approval flow: self-approval and non-approvers refused; the clock starts at approval', async (t) => {
  const clock = testClock()
  const { app, logs } = await peers.build(t, config, { now: clock.now })
  const before = await app.inject({ url: '/get_key/S3MintAdmin', headers: bearer('bob') })
  t.equal(before.statusCode, 403, 'eligible is not allowed without a grant')
  t.match(before.json().detail, /POST \/grants/)

  const req = await app.inject({ method: 'POST', url: '/grants', headers: bearer('bob'), payload: { role: 'S3MintAdmin', duration: 1200 } })
  t.equal(req.statusCode, 201)
  const { id } = req.json()
  t.match(req.json(), { status: 'pending', approvers: ['leads'] })
  t.equal((await app.inject({ url: '/get_key/S3MintAdmin', headers: bearer('bob') })).statusCode, 403, 'pending vends nothing')

  const visible = await app.inject({ url: '/grants', headers: bearer('carol') })
  t.same(visible.json().grants.map((g: { id: string }) => g.id), [id], 'an approver sees the request')
  t.same((await app.inject({ url: '/grants', headers: bearer('alice') })).json().grants, [], 'others do not')

  const self = await app.inject({ method: 'POST', url: `/grants/${id}/approve`, headers: bearer('bob') })
  t.equal(self.statusCode, 403)
  t.match(self.json().detail, /own/)
  const stranger = await app.inject({ method: 'POST', url: `/grants/${id}/approve`, headers: bearer('alice') })
  t.equal(stranger.statusCode, 403)

  clock.advance(100)
  const approvedFrom = Math.floor(clock.now())
  const ok = await app.inject({ method: 'POST', url: `/grants/${id}/approve`, headers: bearer('carol') })
  const approvedBy = Math.floor(clock.now())
  t.equal(ok.statusCode, 200)
  t.match(ok.json(), { status: 'active', approved_by: 'carol' })
  // the real clock runs on under the offset: the approval happened in [approvedFrom, approvedBy]
  const expiresAt = Date.parse(ok.json().expires_at) / 1000
  t.ok(expiresAt >= approvedFrom + 1200 && expiresAt <= approvedBy + 1200, `runs 1200 s from approval (${expiresAt})`)
  const twice = await app.inject({ method: 'POST', url: `/grants/${id}/approve`, headers: bearer('carol') })
  t.equal(twice.statusCode, 409)

  const key = await app.inject({ url: '/get_key/S3MintAdmin?duration=3600', headers: bearer('bob') })
  t.equal(key.statusCode, 200, key.body)
  const issued = logs.audits().find((a) => a.event === 'issued')
  t.equal(issued?.grant, id, 'the audit line names the grant')
  t.ok((issued?.duration ?? 0) <= 1200 && (issued?.duration ?? 0) >= 1199, 'capped at the seconds left on the grant')

  clock.advance(400)
  const ending = await app.inject({ url: '/get_key/S3MintAdmin', headers: bearer('bob') })
  t.equal(ending.statusCode, 403)
  t.equal(ending.json().code, 'RO2KEY_GRANT_ENDING')
  clock.advance(800)
  const over = await app.inject({ url: '/get_key/S3MintAdmin', headers: bearer('bob') })
  t.equal(over.json().code, 'RO2KEY_ROLE_NOT_ALLOWED', 'expired grants never count, swept or not')
  t.match(await app.sweeper?.run(), { ended: 1 })
  t.ok(logs.audits().some((a) => a.event === 'expired' && a.grant === id))
})

t.test('a pending request expires after an hour', async (t) => {
  const clock = testClock()
  const { app, logs } = await peers.build(t, config, { now: clock.now })
  const req = await app.inject({ method: 'POST', url: '/grants', headers: bearer('bob'), payload: { role: 'S3MintAdmin' } })
  clock.advance(3601)
  const late = await app.inject({ method: 'POST', url: `/grants/${req.json().id}/approve`, headers: bearer('carol') })
  t.equal(late.statusCode, 404)
  await app.sweeper?.run()
  t.ok(logs.audits().some((a) => a.event === 'request-expired' && a.grant === req.json().id))
})

t.test('a role grant without approvers vends at once; revocation stops it; standing roles untouched', async (t) => {
  const { app } = await peers.build(t, config)
  const req = await app.inject({ method: 'POST', url: '/grants', headers: bearer('alice'), payload: { role: 'S3MintAdmin', duration: 1000 } })
  t.equal(req.json().status, 'active')
  const key = await app.inject({ url: '/console/S3MintAdmin', headers: bearer('alice') })
  t.not(key.statusCode, 403, 'console honours the grant too')
  t.equal((await app.inject({ url: '/get_key/S3MintAdmin', headers: bearer('alice') })).statusCode, 200)
  const roles = await app.inject({ url: '/roles', headers: bearer('alice') })
  t.match(roles.json().eligible, [
    { kind: 'role', name: 'S3MintAdmin', max_grant: 3600, approvers: [], grant: { id: req.json().id } },
    { kind: 'group', name: 'mint-operators', max_grant: 3600, approvers: [] }
  ])
  t.equal((await app.inject({ method: 'DELETE', url: `/grants/${req.json().id}`, headers: bearer('alice') })).statusCode, 204)
  t.equal((await app.inject({ url: '/get_key/S3MintAdmin', headers: bearer('alice') })).statusCode, 403)
  t.equal((await app.inject({ url: '/get_key/S3MintReadOnly', headers: bearer('alice') })).statusCode, 200)
})

t.test('an approver may revoke a request', async (t) => {
  const { app } = await peers.build(t, config)
  const req = await app.inject({ method: 'POST', url: '/grants', headers: bearer('bob'), payload: { group: 'mint-operators' } })
  t.equal(req.json().status, 'pending')
  const del = await app.inject({ method: 'DELETE', url: `/grants/${req.json().id}`, headers: bearer('carol') })
  t.equal(del.statusCode, 204)
  t.same((await app.inject({ url: '/grants', headers: bearer('bob') })).json().grants, [])
})

t.test('erin (ops and leads) may not approve her own request', async (t) => {
  const { app } = await peers.build(t, config)
  const req = await app.inject({ method: 'POST', url: '/grants', headers: bearer('erin'), payload: { group: 'mint-operators' } })
  const self = await app.inject({ method: 'POST', url: `/grants/${req.json().id}/approve`, headers: bearer('erin') })
  t.equal(self.statusCode, 403)
})
