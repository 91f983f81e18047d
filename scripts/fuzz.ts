// npm run fuzz [-- --count N --seed S]: the fuzz test's generator at volume (default 10 000)
// against the real app, the tokeninfo peer and moto_server. Prints counts by status; exits 1
// on any violation (5xx, hang, credential without a valid token, non-problem error, token echoed).
import { STSClient } from '@aws-sdk/client-sts'
import pino from 'pino'
import { buildApp } from '../src/app.js'
import { fuzzConfig, runFuzz } from '../dev/fuzz/run.js'
import { startMoto } from '../dev/peers/moto.js'
import { startTokeninfo } from '../dev/peers/tokeninfo.js'

function arg (name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}

const count = arg('count', 10_000)
const seed = arg('seed', 1)
const moto = await startMoto()
const sts = new STSClient(moto.clientConfig)
const tokeninfo = await startTokeninfo()
let exitCode = 1
try {
  await moto.createRole('S3MintReadOnly')
  const setup = { validToken: 'tok-fuzz-valid-4711', allowedRole: 'S3MintReadOnly', allowedPattern: /^S3Mint[A-Za-z0-9_+=,.@-]{0,58}$/, maxDurationS: 3600 }
  tokeninfo.add(setup.validToken, { uid: 'stups_mint-sync' })
  const app = await buildApp(fuzzConfig(tokeninfo.url), { logger: pino({ level: 'silent' }), sts })
  const result = await runFuzz(app, setup, { seed, count, concurrency: 8 })
  const health = await app.inject({ url: '/health' })
  const ready = await app.inject({ url: '/ready' })
  await app.close()
  process.stdout.write(`fuzz: seed ${seed}, ${result.count} of ${count} requests answered in ${result.ms} ms, slowest ${result.slowestMs} ms\n`)
  for (const [status, n] of Object.entries(result.byStatus)) process.stdout.write(`  ${status}: ${n}\n`)
  process.stdout.write(`after: /health ${health.statusCode}, /ready ${ready.statusCode}\n`)
  for (const v of result.violations.slice(0, 50)) process.stdout.write(`VIOLATION ${v}\n`)
  process.stdout.write(`${result.violations.length} violations\n`)
  exitCode = result.violations.length === 0 && result.count === count && health.statusCode === 200 && ready.statusCode === 200 ? 0 : 1
} finally {
  sts.destroy()
  await tokeninfo.stop()
  await moto.stop()
}
process.exit(exitCode)
