import type { Config } from '../config/index.js'
import type { Deps } from '../app.js'
import { buildApp } from '../app.js'

/**
 * `node dist/main.js sweep`: one sweep, for a cron job or a Kubernetes CronJob. Exit 0 when every
 * expired grant ended, 1 when some could not (the next run retries), 2 without STORE_TABLE.
 */
export async function runSweepCommand (config: Config, deps: Deps = {}): Promise<number> {
  if (config.store === undefined) {
    process.stderr.write('ro2key sweep: STORE_TABLE is not set: there are no grants to sweep\n')
    return 2
  }
  const app = await buildApp({ ...config, store: { ...config.store, sweepInterval: 0 } }, deps)
  try {
    await app.ready()
    const result = await app.sweeper?.run()
    process.stdout.write(JSON.stringify({ sweep: result ?? 'store unavailable' }) + '\n')
    return result !== undefined && result.failed === 0 ? 0 : 1
  } finally {
    await app.close()
  }
}
