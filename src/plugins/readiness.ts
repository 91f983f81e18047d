import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export type ReadinessState = 'starting' | 'ready' | 'draining'

/** Whether the instance should get traffic: not before boot completes, not while shutting down. */
export interface Readiness {
  readonly state: ReadinessState
  /** stop advertising readiness (SIGTERM); requests are still served until close */
  drain (): void
}

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness
  }
}

/** Decorates app.readiness: ready once booted, draining from SIGTERM or close on. */
export const readiness = fp(async function readiness (app: FastifyInstance) {
  let state: ReadinessState = 'starting'
  app.decorate('readiness', {
    get state () { return state },
    drain () { state = 'draining' }
  })
  app.addHook('onReady', async () => { if (state === 'starting') state = 'ready' })
  app.addHook('preClose', async () => { state = 'draining' })
  // While draining, tell keep-alive clients to reconnect elsewhere.
  app.addHook('onSend', async (_request, reply) => { if (state === 'draining') reply.header('connection', 'close') })
}, { name: 'readiness' })
