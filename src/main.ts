import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config/index.js'
import { renderHelp } from './config/help.js'
import { buildMetricsServer } from './metrics/plugin.js'
import { nodeSupportNotice } from './node-support.js'
import { createShutdown } from './shutdown.js'
import { runSweepCommand } from './grants/sweep-command.js'

const SHUTDOWN_GRACE_MS = 10_000
const EXIT_CONFIG = 2

async function main (): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(renderHelp())
    return
  }
  let config
  try {
    config = loadConfig(process.env)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`ro2key: ${err.message}\n`)
    process.exit(EXIT_CONFIG)
  }
  const nodeNotice = nodeSupportNotice(process.version, process.env)
  if (process.argv[2] === 'sweep') process.exit(await runSweepCommand(config))
  const app = await buildApp(config)
  if (nodeNotice !== undefined) app.log.warn({ node: process.version }, nodeNotice)
  const metricsPort = config.limits.metricsPort
  const others = metricsPort === undefined ? [] : [await buildMetricsServer(app.metrics, app.log)]
  const shutdown = createShutdown({
    app,
    others,
    drainDelayMs: config.limits.shutdownDelayMs,
    graceMs: SHUTDOWN_GRACE_MS,
    exit: (code) => process.exit(code)
  })
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
  await app.listen({ host: config.host, port: config.port })
  for (const server of others) await server.listen({ host: config.host, port: metricsPort })
}

main().catch((err: unknown) => {
  process.stderr.write(`ro2key: failed to start: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
