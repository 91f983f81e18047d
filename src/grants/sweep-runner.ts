import type { FastifyBaseLogger } from 'fastify'
import { Counter, Gauge, type Registry } from 'prom-client'
import type { Grants } from './grants.js'
import type { SweepResult } from './sweeper.js'

/** Runs sweeps one at a time, logs and counts them; on a timer in the server, once for `main.js sweep`. */
export interface SweepRunner {
  /** one sweep; undefined when the store failed (logged and counted) */
  run (): Promise<SweepResult | undefined>
  start (intervalSeconds: number): void
  stop (): Promise<void>
}

function sweepMetrics (registry: Registry) {
  const registers = [registry]
  return {
    runs: new Counter({
      name: 'ro2key_sweeper_runs_total',
      help: 'Grant sweeps by result (ok or failed)',
      labelNames: ['result'],
      registers
    }),
    failures: new Counter({
      name: 'ro2key_sweeper_failures_total', help: 'Grants a sweep could not end (retried next sweep)', registers
    }),
    active: new Gauge({
      name: 'ro2key_grants_active', help: 'Active grants by kind, as of the last sweep', labelNames: ['kind'], registers
    })
  }
}

export function createSweepRunner (grants: Grants, registry: Registry, log: FastifyBaseLogger): SweepRunner {
  const metrics = sweepMetrics(registry)
  let running: Promise<SweepResult | undefined> | undefined
  let timer: NodeJS.Timeout | undefined
  const once = async (): Promise<SweepResult | undefined> => {
    const started = performance.now()
    try {
      const result = await grants.sweep()
      const active = await grants.countActive()
      for (const [kind, count] of Object.entries(active)) metrics.active.set({ kind }, count)
      metrics.runs.inc({ result: result.failed > 0 ? 'failed' : 'ok' })
      metrics.failures.inc(result.failed)
      const ms = Math.round(performance.now() - started)
      if (result.examined > 0) log.info({ sweep: { ...result, ms } }, 'grant sweep')
      return result
    } catch (err) {
      metrics.runs.inc({ result: 'failed' })
      log.warn({ err: (err as Error).message }, 'grant sweep failed: store unavailable')
      return undefined
    }
  }
  const run = (): Promise<SweepResult | undefined> => {
    running ??= once().finally(() => { running = undefined })
    return running
  }
  return {
    run,
    start (intervalSeconds) {
      if (intervalSeconds <= 0 || timer !== undefined) return
      timer = setInterval(() => { void run() }, intervalSeconds * 1000)
      timer.unref()
    },
    async stop () {
      clearInterval(timer)
      timer = undefined
      await running
    }
  }
}
