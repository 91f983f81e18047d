// One benchmark server in its own process: `node .bench-build/bench/server.js ro2key|baseline`.
// Both sides run the same way (a child node process, same pino options and destination),
// so the ratio compares the request paths, not the process models.
// Env: BENCH_LOG=group-commit|sync|async (the logger's destination), BENCH_BODY (baseline's JSON body),
// and for ro2key its ordinary configuration (loadConfig).
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import pino, { type Logger } from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config/index.js'
import { createLogger, loggerOptions } from '../src/log.js'
import { buildBaseline } from './baseline.js'

const ASYNC_BUFFER_BYTES = 4096

/** group-commit: ro2key's own logger (src/log.ts); sync / async: the plain pino destinations, to compare. */
function benchLogger (mode: string | undefined): Logger {
  const level = process.env.LOG_LEVEL ?? 'info'
  if (mode === 'async') return pino(loggerOptions(level), pino.destination({ dest: 1, sync: false, minLength: ASYNC_BUFFER_BYTES }))
  if (mode === 'sync') return pino(loggerOptions(level), pino.destination({ dest: 1, sync: true }))
  return createLogger(level)
}

const which = process.argv[2]
const logger = benchLogger(process.env.BENCH_LOG)
const app = which === 'baseline'
  ? await buildBaseline(logger, JSON.parse(process.env.BENCH_BODY ?? '{}'))
  : await buildApp(loadConfig(process.env), { logger })
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
  app.close().then(() => { logger.flush?.(); process.exit(0) }, () => process.exit(1))
})
