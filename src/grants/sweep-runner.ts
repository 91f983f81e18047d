import type { FastifyBaseLogger } from 'fastify'
import { Counter, Gauge, type Registry } from 'prom-client'
import type { Grants } from './grants.js'
import type { SweepResult } from './sweeper.js'

/** Another sweep beside the grants' (the mimic roles of issue 15): same schedule, own result. */
export interface SweepTask {
  name: string
  run (): Promise<SweepResult>
}

/** The grants' result, plus each task's (undefined when its store failed). */
export type SweepRunResult = SweepResult & { tasks?: Record<string, SweepResult | undefined> }

/** Failures of a run: the grants' and every task's (a task whose store failed counts one). */
export function failuresOf (result: SweepRunResult): number {
  return Object.values(result.tasks ?? {}).reduce((sum, task) => sum + (task?.failed ?? 1), result.failed)
}

async function runTasks (tasks: SweepTask[], log: FastifyBaseLogger): Promise<Record<string, SweepResult | undefined>> {
  const out: Record<string, SweepResult | undefined> = {}
  for (const task of tasks) {
    try {
      out[task.name] = await task.run()
      if ((out[task.name]?.examined ?? 0) > 0) log.info({ sweep: { task: task.name, ...out[task.name] } }, 'sweep task')
    } catch (err) {
      out[task.name] = undefined
      log.warn({ task: task.name, err: (err as Error).message }, 'sweep task failed: store unavailable')
    }
  }
  return out
}

/** Runs sweeps one at a time, logs and counts them; on a timer in the server, once for `main.js sweep`. */
export interface SweepRunner {
  /** one sweep; undefined when the store failed (logged and counted) */
  run (): Promise<SweepRunResult | undefined>
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

export function createSweepRunner (
  grants: Grants, registry: Registry, log: FastifyBaseLogger, tasks: SweepTask[] = []
): SweepRunner {
  const metrics = sweepMetrics(registry)
  let running: Promise<SweepRunResult | undefined> | undefined
  let timer: NodeJS.Timeout | undefined
  const once = async (): Promise<SweepRunResult | undefined> => {
    const started = performance.now()
    try {
      const result = await grants.sweep()
      const active = await grants.countActive()
      for (const [kind, count] of Object.entries(active)) metrics.active.set({ kind }, count)
      metrics.runs.inc({ result: result.failed > 0 ? 'failed' : 'ok' })
      metrics.failures.inc(result.failed)
      const ms = Math.round(performance.now() - started)
      if (result.examined > 0) log.info({ sweep: { ...result, ms } }, 'grant sweep')
      return tasks.length === 0 ? result : { ...result, tasks: await runTasks(tasks, log) }
    } catch (err) {
      metrics.runs.inc({ result: 'failed' })
      log.warn({ err: (err as Error).message }, 'grant sweep failed: store unavailable')
      return undefined
    }
  }
  const run = (): Promise<SweepRunResult | undefined> => {
    running ??= once().finally(() => { running = undefined })
    return running
  }
  return {
    run,
    start (intervalSeconds) {
      if (intervalSeconds <= 0 || timer !== undefined) return
      // both series exist from the start, so "no sweep for 15 minutes" is a query, not an absence
      for (const result of ['ok', 'failed']) metrics.runs.inc({ result }, 0)
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
