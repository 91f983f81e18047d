import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'

const SHUTDOWN_GRACE_MS = 10_000
const EXIT_CONFIG = 2

async function main (): Promise<void> {
  let config
  try {
    config = loadConfig(process.env)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`ro2key: ${err.message}\n`)
    process.exit(EXIT_CONFIG)
  }
  const app = await buildApp(config)
  const shutdown = (signal: string): void => {
    app.log.info({ signal }, 'shutting down')
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref()
    app.close().then(() => process.exit(0), () => process.exit(1))
  }
  process.once('SIGTERM', shutdown)
  process.once('SIGINT', shutdown)
  await app.listen({ host: config.host, port: config.port })
}

main().catch((err: unknown) => {
  process.stderr.write(`ro2key: failed to start: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
