import type { FastifyInstance } from 'fastify'
import type { components } from '../api/schema.js'
import { AppError } from '../errors.js'

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
export function installReadiness (app: FastifyInstance): Readiness {
  let state: ReadinessState = 'starting'
  const readiness: Readiness = {
    get state () { return state },
    drain () { state = 'draining' }
  }
  app.decorate('readiness', readiness)
  app.addHook('onReady', async () => { if (state === 'starting') state = 'ready' })
  app.addHook('preClose', async () => { state = 'draining' })
  // While draining, tell keep-alive clients to reconnect elsewhere.
  app.addHook('onSend', async (_request, reply) => { if (state === 'draining') reply.header('connection', 'close') })
  return readiness
}

/** GET /ready: 200 when the instance should get traffic, 503 problem+json otherwise. */
export function createGetReady (readiness: Readiness) {
  return async function getReady (): Promise<components['schemas']['Ready']> {
    if (readiness.state !== 'ready') {
      throw new AppError('RO2KEY_NOT_READY', { detail: readiness.state === 'draining' ? 'shutting down' : 'starting' })
    }
    return { status: 'ready' }
  }
}
