import type { components } from '../api/schema.js'
import { AppError } from '../errors.js'
import type { Readiness } from '../plugins/readiness.js'

/** GET /ready: 200 when the instance should get traffic, 503 problem+json otherwise. */
export function createGetReady (readiness: Readiness) {
  return async function getReady (): Promise<components['schemas']['Ready']> {
    if (readiness.state !== 'ready') {
      throw new AppError('RO2KEY_NOT_READY', { detail: readiness.state === 'draining' ? 'shutting down' : 'starting' })
    }
    return { status: 'ready' }
  }
}
