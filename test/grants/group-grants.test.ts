import t from 'tap'
import { bearer, grantPeers, testClock } from '../helpers/grants.js'

const peers = await grantPeers(t, 'ro2key-group-grants')
const { config, members } = peers

t.test('request → active → expiry removes the group membership', async (t) => {
  const clock = testClock()
  const { app, logs } = await peers.build(t, config, { now: clock.now })
  const res = await app.inject({
    method: 'POST', url: '/grants', headers: bearer('alice'), payload: { group: 'mint-operators', duration: 600, reason: 'INC-42' }
  })
  t.equal(res.statusCode, 201, res.body)
  const grant = res.json()
  t.match(grant, { kind: 'group', name: 'mint-operators', uid: 'alice', status: 'active', reason: 'INC-42' })
  t.equal(Date.parse(grant.expires_at) - Date.parse(grant.created_at), 600_000)
  t.same(await members(), ['alice'], 'iam get-group shows alice')

  const listed = await app.inject({ url: '/grants', headers: bearer('alice') })
  t.same(listed.json().grants.map((g: { id: string }) => g.id), [grant.id])

  clock.advance(601)
  const after = await app.inject({ url: '/grants', headers: bearer('alice') })
  t.same(after.json().grants, [], 'an expired grant never counts, swept or not')
  t.same(await members(), ['alice'], 'still a member until the sweep')

  const swept = await app.sweeper?.run()
  t.match(swept, { examined: 1, ended: 1, failed: 0 })
  t.same(await members(), [], 'the sweep removed alice')
  t.match(await app.sweeper?.run(), { examined: 0, ended: 0 }, 'nothing left to do')
  const events = logs.audits().map((a) => a.event)
  t.same(events.filter((e) => e.startsWith('group') || e === 'expired' || e === 'requested'),
    ['requested', 'group-added', 'group-removed', 'expired'])
  t.notOk(logs.text.includes('tok-alice'), 'no token in the log')
  const metrics = await app.inject({ url: '/metrics' })
  t.match(metrics.body, /ro2key_sweeper_runs_total\{result="ok"\} 2/)
  t.match(metrics.body, /ro2key_grants_active\{kind="group"\} 0/)
})

t.test('a membership that existed before the grant is never removed', async (t) => {
  const clock = testClock()
  const { app } = await peers.build(t, config, { now: clock.now })
  await peers.addMember('dave')
  t.teardown(() => peers.removeMember('dave'))
  const res = await app.inject({ method: 'POST', url: '/grants', headers: bearer('dave'), payload: { group: 'mint-operators', duration: 5 } })
  t.equal(res.statusCode, 201)
  clock.advance(6)
  await app.sweeper?.run()
  t.same(await members(), ['dave'], 'dave stays')
  const del = await app.inject({ method: 'POST', url: '/grants', headers: bearer('dave'), payload: { group: 'mint-operators', duration: 5 } })
  await app.inject({ method: 'DELETE', url: `/grants/${del.json().id}`, headers: bearer('dave') })
  t.same(await members(), ['dave'], 'nor on revocation')
})

t.test('overlapping grants extend, they do not cut each other short', async (t) => {
  const clock = testClock()
  const { app } = await peers.build(t, config, { now: clock.now })
  const ask = (duration: number) => app.inject({
    method: 'POST', url: '/grants', headers: bearer('alice'), payload: { group: 'mint-operators', duration }
  })
  t.equal((await ask(100)).statusCode, 201)
  t.equal((await ask(300)).statusCode, 201)
  clock.advance(150)
  await app.sweeper?.run()
  t.same(await members(), ['alice'], 'the longer grant keeps the membership')
  clock.advance(151)
  await app.sweeper?.run()
  t.same(await members(), [], 'gone when the last grant ends')
})

t.test('revocation removes the membership at once', async (t) => {
  const { app, logs } = await peers.build(t, config)
  const res = await app.inject({ method: 'POST', url: '/grants', headers: bearer('alice'), payload: { group: 'mint-operators' } })
  t.equal(res.json().expires_at, new Date(Date.parse(res.json().created_at) + 3600_000).toISOString(), 'default max_grant')
  t.same(await members(), ['alice'])
  const other = await app.inject({ method: 'DELETE', url: `/grants/${res.json().id}`, headers: bearer('bob') })
  t.equal(other.statusCode, 403, 'not the requester, no approver team')
  t.equal(other.json().code, 'RO2KEY_GRANT_FORBIDDEN')
  const del = await app.inject({ method: 'DELETE', url: `/grants/${res.json().id}`, headers: bearer('alice') })
  t.equal(del.statusCode, 204)
  t.same(await members(), [])
  const again = await app.inject({ method: 'DELETE', url: `/grants/${res.json().id}`, headers: bearer('alice') })
  t.equal(again.statusCode, 404)
  t.match(logs.audits().map((a) => a.event), ['requested', 'group-added', 'revoking', 'group-removed', 'revoked'])
})

t.test('refusals are problem+json', async (t) => {
  const { app } = await peers.build(t, config)
  const cases = [
    { who: 'carol', body: { group: 'mint-operators' }, status: 403, code: 'RO2KEY_GRANT_NOT_ELIGIBLE' },
    { who: 'alice', body: { group: 'other-group' }, status: 403, code: 'RO2KEY_GRANT_NOT_ELIGIBLE' },
    { who: 'alice', body: { group: 'mint-operators', duration: 3601 }, status: 400, code: 'RO2KEY_DURATION_ABOVE_CAP' },
    { who: 'alice', body: { role: 'S3MintAdmin', duration: 899 }, status: 400, code: 'RO2KEY_BAD_REQUEST' },
    { who: 'alice', body: { role: 'S3MintAdmin', group: 'mint-operators' }, status: 400, code: 'RO2KEY_BAD_REQUEST' },
    { who: 'alice', body: {}, status: 400, code: 'RO2KEY_BAD_REQUEST' },
    { who: 'alice', body: { group: 'bad name!' }, status: 400, code: 'RO2KEY_BAD_REQUEST' },
    { who: 'alice', body: { group: 'mint-operators', duration: 'long' }, status: 400, code: 'RO2KEY_BAD_REQUEST' }
  ]
  for (const c of cases) {
    const res = await app.inject({ method: 'POST', url: '/grants', headers: bearer(c.who), payload: c.body })
    t.equal(res.statusCode, c.status, `${c.who} ${JSON.stringify(c.body)}`)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.equal(res.json().code, c.code)
  }
  const anonymous = await app.inject({ method: 'POST', url: '/grants', payload: { group: 'mint-operators' } })
  t.equal(anonymous.statusCode, 401)
  const unknown = await app.inject({ method: 'POST', url: '/grants/nope/approve', headers: bearer('carol') })
  t.equal(unknown.statusCode, 404)
})
