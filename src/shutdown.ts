import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'

export interface ShutdownOptions {
  app: FastifyInstance
  /** further servers to close with the app (the metrics port) */
  others: FastifyInstance[]
  /** /ready answers 503 this long before the listener closes */
  drainDelayMs: number
  /** hard deadline: exit 1 if closing takes longer */
  graceMs: number
  exit: (code: number) => void
}

/**
 * The signal handler: the first SIGTERM/SIGINT marks the app not ready, waits drainDelayMs,
 * stops accepting connections, lets in-flight requests finish, closes clients, exits 0.
 * Later signals are logged and ignored (no second close); graceMs bounds it all.
 */
export function createShutdown (opts: ShutdownOptions): (signal: string) => void {
  let started = false
  return (signal) => {
    if (started) {
      opts.app.log.info({ signal }, 'already shutting down')
      return
    }
    started = true
    opts.app.log.info({ signal }, 'shutting down')
    setTimeout(() => {
      opts.app.log.error({ graceMs: opts.graceMs }, 'shutdown took too long; exiting')
      opts.exit(1)
    }, opts.graceMs).unref()
    opts.app.readiness.drain()
    sleep(opts.drainDelayMs)
      .then(() => Promise.all([opts.app.close(), ...opts.others.map((s) => s.close())]))
      .then(() => {
        opts.app.log.info('shut down cleanly')
        opts.exit(0)
      }, (err: unknown) => {
        opts.app.log.error({ err }, 'error while shutting down')
        opts.exit(1)
      })
  }
}
