import { setTimeout as sleep } from 'node:timers/promises'
import { GetGroupCommand } from '@aws-sdk/client-iam'
import { GetItemCommand } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { assumeRoleCalls } from '../../dev/peers/moto-calls.js'
import { auditLines, matchAudit } from '../../dev/fleet/audit.js'
import { GROUP, ROBOTS, startFleet, token } from '../../dev/fleet/fleet.js'
import { startLoad } from '../../dev/fleet/load.js'
import { replicaCommand } from '../../dev/fleet/replica.js'

const began = Date.now()
const fleet = await startFleet()
t.teardown(() => fleet.stop())
t.comment(`fleet of ${fleet.replicas.length} replicas (node ${replicaCommand().join(' ')}) up behind HAProxy ` +
  `in ${Date.now() - began} ms`)
const [a, b, c] = fleet.replicas as [typeof fleet.replicas[0], typeof fleet.replicas[0], typeof fleet.replicas[0]]
const alice = { authorization: `Bearer ${token('alice')}` }
const PATH = '/get_key/S3MintReadOnly'

async function call (base: string, path: string, init: RequestInit = {}): Promise<{ status: number, body: any }> {
  const json: Record<string, string> = init.body === undefined ? {} : { 'content-type': 'application/json' }
  const res = await fetch(`${base}${path}`, { ...init, headers: { ...alice, ...json } })
  const text = await res.text()
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) }
}

t.test('shared state: a grant asked for on A is honoured by B and C at once; revoked on B, A stops vending', async (t) => {
  const asked = await call(a.url, '/grants', { method: 'POST', body: JSON.stringify({ role: 'S3MintAdmin', duration: 3600 }) })
  t.equal(asked.status, 201, JSON.stringify(asked.body))
  t.equal(asked.body.status, 'active')
  for (const replica of [b, c, a]) {
    const got = await call(replica.url, '/get_key/S3MintAdmin')
    t.equal(got.status, 200, `replica ${replica.name} vends on the grant`)
    t.match(got.body.AccessKeyId, /^ASIA/)
  }
  const secret = (await call(a.url, '/get_key/S3MintAdmin')).body.SecretAccessKey as string
  t.equal((await call(b.url, `/grants/${asked.body.id as string}`, { method: 'DELETE' })).status, 204, 'revoked on B')
  for (const replica of [a, c]) {
    const refused = await call(replica.url, '/get_key/S3MintAdmin')
    t.equal(refused.status, 403, `replica ${replica.name} refuses at once (its credential cache does not outlive the grant)`)
    t.notOk(refused.body.AccessKeyId, 'no credential')
  }
  const text = JSON.stringify(fleet.logs)
  t.notOk(text.includes(secret), 'no secret key in any replica log')
  t.notOk(text.includes(token('alice')), 'no token in any replica log')
})

t.test('three sweepers at once remove one expired group membership exactly once', async (t) => {
  const asked = await call(a.url, '/grants', { method: 'POST', body: JSON.stringify({ group: GROUP, duration: 2 }) })
  t.equal(asked.status, 201, JSON.stringify(asked.body))
  const id = asked.body.id as string
  const members = async (): Promise<string[]> =>
    ((await fleet.moto.iam.send(new GetGroupCommand({ GroupName: GROUP }))).Users ?? []).map((u) => u.UserName ?? '')
  t.same(await members(), ['alice'], 'alice is in the group')
  const deadline = Date.now() + 30_000
  while ((await members()).length > 0 && Date.now() < deadline) await sleep(200)
  t.same(await members(), [], 'a sweeper removed the membership')
  await sleep(3000) // every replica sweeps each second: let each of them look at it again
  t.equal(fleet.iam.calls.RemoveUserFromGroup, 1, 'IAM saw one RemoveUserFromGroup')
  t.equal(auditLines(fleet.logs, 'group-removed', id).length, 1, 'one group-removed audit line')
  t.equal(auditLines(fleet.logs, 'expired', id).length, 1, 'one expired audit line')
  const sweepers = new Set(fleet.logs.filter((l) => l.line.sweep !== undefined).map((l) => l.replica))
  t.comment(`replicas whose sweeper found the expired grant (and raced for it): ${[...sweepers].join(', ')}`)
  const dynamodb = fleet.moto.dynamodbClient()
  t.teardown(() => dynamodb.destroy())
  const item = await dynamodb.send(new GetItemCommand({ TableName: fleet.table, Key: { pk: { S: 'grant' }, sk: { S: id } } }))
  t.equal(item.Item?.status?.S, 'expired', 'the store holds one transition to expired')
})

t.test('STS calls per principal across the fleet: at most one per replica (per-replica credential cache)', async (t) => {
  const load = startLoad({
    url: fleet.haproxy.url, path: PATH, tokens: ROBOTS.map(token), connections: 5, amount: 300, maxSeconds: 30
  })
  const result = await load.done
  t.equal(result.ok, result.requests, 'every warm-up request answered 2xx')
  const calls = await Promise.all(ROBOTS.map((robot) => assumeRoleCalls(fleet.moto, robot)))
  for (const [i, n] of calls.entries()) t.ok(n >= 1 && n <= fleet.replicas.length, `${ROBOTS[i] ?? ''}: ${n} AssumeRole`)
  t.comment(`STS calls per principal: ${calls.join(', ')} (${result.requests} requests, ${ROBOTS.length} principals)`)
})

t.test('rolling restart under load: SIGTERM each replica and start it again; no request fails', async (t) => {
  const from = fleet.logs.length
  const load = startLoad({
    url: fleet.haproxy.url, path: PATH, tokens: ROBOTS.map(token), connections: 6, rate: 100, amount: 20_000, maxSeconds: 120
  })
  await sleep(1000)
  for (const replica of fleet.replicas) {
    const started = Date.now()
    t.equal(await replica.stop(), 0, `replica ${replica.name} exits 0 on SIGTERM`)
    await replica.start()
    await fleet.haproxy.waitFor(replica.name, 'UP')
    t.comment(`replica ${replica.name}: stopped, started and back in HAProxy in ${Date.now() - started} ms`)
  }
  await sleep(1000)
  load.stop()
  const result = await load.done
  await sleep(300) // the last audit lines on their way through the pipes
  t.comment(`rolling restart: ${result.requests} requests, ${result.rps} rps, p99 ${result.p99} ms, ` +
    `statuses ${JSON.stringify(result.statuses)}`)
  t.ok(result.requests > 100, 'the load ran through the restarts')
  t.equal(result.non2xx, 0, 'no non-2xx answer')
  t.equal(result.errors, 0, 'no socket error')
  t.equal(result.timeouts, 0, 'no timeout')
  const audit = matchAudit(fleet.logs.slice(from), result.requestIds, ROBOTS)
  t.same(audit.missing, [], 'every response has its audit line')
  t.same(audit.duplicated, [], 'and only one')
  t.equal(new Set(result.requestIds).size, result.requestIds.length, 'no request id twice')
  t.comment(`issued lines without a response (in flight when the load stopped): ${audit.unanswered}`)
})

t.test('SIGKILL one replica under load: HAProxy routes around it (reported, not asserted)', async (t) => {
  const loadVia = (url: string) => startLoad({
    url, path: PATH, tokens: ROBOTS.map(token), connections: 4, rate: 60, amount: 20_000, maxSeconds: 60
  })
  const retried = loadVia(fleet.haproxy.url)
  const raw = loadVia(fleet.haproxy.noRetryUrl)
  await sleep(1500)
  await b.kill()
  const downMs = await fleet.haproxy.waitFor('b', 'DOWN')
  await sleep(1000)
  const restarted = Date.now()
  await b.start()
  const upMs = await fleet.haproxy.waitFor('b', 'UP')
  await sleep(500)
  retried.stop()
  raw.stop()
  const report = (name: string, r: Awaited<typeof retried.done>): string =>
    `${name}: ${r.requests} requests, ${r.non2xx + r.errors + r.timeouts} failed ` +
    `(${JSON.stringify(r.statuses)}, ${r.errors} socket errors, ${r.timeouts} timeouts)`
  t.comment(`SIGKILL: ${report('with HAProxy retrying GETs', await retried.done)}; ` +
    `${report('without retries', await raw.done)}; HAProxy marked b DOWN ${downMs} ms after the kill; ` +
    `restarted b was UP ${Date.now() - restarted} ms after its start (${upMs} ms after /ready)`)
  for (const r of fleet.replicas) await fleet.haproxy.waitFor(r.name, 'UP')
  t.same(Object.keys(await fleet.haproxy.status()).sort(), ['a', 'b', 'c'], 'all three back in rotation')
  t.equal((await call(fleet.haproxy.url, PATH)).status, 200, 'the fleet serves')
})

t.test('no replica wrote to stderr, and every stdout line was JSON', async (t) => {
  t.same(fleet.errors, [])
  t.comment(`fleet test took ${Date.now() - began} ms`)
})
