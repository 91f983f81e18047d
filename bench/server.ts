// One benchmark server in its own process: `node .bench-build/bench/server.js ro2key|plain|baseline`.
// plain: bare Fastify with `logger: true` (what a user would otherwise run); baseline: bare Fastify
// with ro2key's own logger (same pino options and destination), so that ratio compares request paths only.
// Env: BENCH_LOG=group-commit|sync|async (ro2key's and baseline's log destination), BENCH_BODY (the
// baselines' JSON body), BENCH_FAKE_STS=1 (a synthetic STS through deps.sts, for the memory phase),
// and for ro2key its ordinary configuration (loadConfig).
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import pino, { type Logger } from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config/index.js'
import { createLogger, loggerOptions } from '../src/log.js'
import { buildBaseline } from './baseline.js'
import { fakeSts } from './fake-sts.js'

const ASYNC_BUFFER_BYTES = 4096

/** group-commit: ro2key's own logger (src/log.ts); sync / async: the plain pino destinations, to compare. */
function benchLogger (mode: string | undefined): Logger {
  const level = process.env.LOG_LEVEL ?? 'info'
  if (mode === 'async') return pino(loggerOptions(level), pino.destination({ dest: 1, sync: false, minLength: ASYNC_BUFFER_BYTES }))
  if (mode === 'sync') return pino(loggerOptions(level), pino.destination({ dest: 1, sync: true }))
  return createLogger(level)
}

const which = process.argv[2]
const logger = which === 'plain' ? undefined : benchLogger(process.env.BENCH_LOG)
const body = JSON.parse(process.env.BENCH_BODY ?? '{}') as Record<string, unknown>
const app = which === 'ro2key'
  ? await buildApp(loadConfig(process.env), { logger, ...(process.env.BENCH_FAKE_STS === '1' ? { sts: fakeSts() } : {}) })
  : await buildBaseline(logger, body)
await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
process.send?.({ port: typeof address === 'object' && address ? address.port : 0 })
// The V8 CPU profiler (what --cpu-prof uses), started and stopped around one load run only,
// so start-up (module loading, schema compilation) stays out of the hot-path profile.
const inspector = new Session()
async function onMessage (msg: { type?: string, file?: string }): Promise<void> {
  if (msg.type === 'rss') {
    // After a full GC (children run with --expose-gc) the heap shows what is really kept.
    (globalThis as { gc?: () => void }).gc?.()
    const { rss, heapUsed } = process.memoryUsage()
    process.send?.({ rss, heapUsed, maxRss: process.resourceUsage().maxRSS * 1024 })
  }
  if (msg.type === 'profile-start') {
    inspector.connect()
    await inspector.post('Profiler.enable')
    await inspector.post('Profiler.start')
    process.send?.({ profiling: true })
  }
  if (msg.type === 'profile-stop' && msg.file) {
    const { profile } = await inspector.post('Profiler.stop')
    writeFileSync(msg.file, JSON.stringify(profile))
    inspector.disconnect()
    process.send?.({ profiled: msg.file })
  }
}
process.on('message', (msg: { type?: string, file?: string }) => { void onMessage(msg) })
process.once('SIGTERM', () => {
  app.close().then(() => { (app.log as { flush?: () => void }).flush?.(); process.exit(0) }, () => process.exit(1))
})
