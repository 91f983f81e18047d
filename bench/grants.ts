// npm run bench:grants — sweeper time for N expired group grants against moto, and POST /grants latency.
import { AddUserToGroupCommand, CreateGroupCommand, CreateUserCommand } from '@aws-sdk/client-iam'
import pino from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config/index.js'
import { createDynamoStore } from '../src/store/dynamo-store.js'
import { ensureTable } from '../src/store/table.js'
import type { GrantItem } from '../src/grants/grant.js'
import { ARN_PREFIX, startMoto } from '../dev/peers/moto.js'
import { startTokeninfo } from '../dev/peers/tokeninfo.js'

const N = Number(process.env.GRANTS ?? 1000)
const LATENCY_REQUESTS = 200
const moto = await startMoto()
const tokeninfo = await startTokeninfo()
const dynamodb = moto.dynamodbClient()
try {
  await ensureTable(dynamodb, 'bench-grants')
  await moto.iam.send(new CreateGroupCommand({ GroupName: 'ops' }))
  const store = createDynamoStore(dynamodb, 'bench-grants')
  const past = Math.floor(Date.now() / 1000) - 10
  for (let i = 0; i < N; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, N - i) }, async (_, j) => {
      const user = `u${i + j}`
      await moto.iam.send(new CreateUserCommand({ UserName: user }))
      await moto.iam.send(new AddUserToGroupCommand({ UserName: user, GroupName: 'ops' }))
      const item: GrantItem = {
        pk: 'grant',
        sk: `g${i + j}`,
        id: `g${i + j}`,
        kind: 'group',
        name: 'ops',
        uid: user,
        iam_user: user,
        teams: ['t'],
        approvers: [],
        duration: 60,
        created_at: past - 60,
        status: 'active',
        expires_at: past
      }
      await store.putIfAbsent(item)
    }))
  }
  tokeninfo.add('tok-bench', { uid: 'bench', scope: ['uid'] })
  const config = loadConfig({
    ARN_PREFIX,
    TOKENINFO_URL: tokeninfo.url,
    LOG_LEVEL: 'silent',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    STORE_TABLE: 'bench-grants',
    SWEEP_INTERVAL: '0',
    POLICY: 'teams: {t: {roles: [], eligible: {roles: [Admin], max_grant: 3600}}}\nmembers: {bench: t}\nmembers_realm: /services'
  })
  const app = await buildApp(config, { logger: pino({ level: 'silent' }), dynamodb, iam: moto.iam })
  await app.ready()
  const started = performance.now()
  const result = await app.sweeper?.run()
  const sweepMs = performance.now() - started
  console.log(JSON.stringify({ grants: N, sweep: result, sweepMs: Math.round(sweepMs) }))
  const times: number[] = []
  for (let i = 0; i < LATENCY_REQUESTS; i++) {
    const t0 = performance.now()
    const res = await app.inject({
      method: 'POST', url: '/grants', headers: { authorization: 'Bearer tok-bench' }, payload: { role: 'Admin', duration: 900 }
    })
    times.push(performance.now() - t0)
    if (res.statusCode !== 201) throw new Error(`POST /grants ${res.statusCode}: ${res.body}`)
  }
  times.sort((a, b) => a - b)
  const pct = (p: number): number => Math.round((times[Math.floor(p * (times.length - 1))] ?? 0) * 10) / 10
  console.log(JSON.stringify({ postGrants: LATENCY_REQUESTS, p50ms: pct(0.5), p95ms: pct(0.95), maxMs: pct(1) }))
  await app.close()
} finally {
  dynamodb.destroy()
  await tokeninfo.stop()
  await moto.stop()
}
