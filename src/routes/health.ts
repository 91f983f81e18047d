import type { components } from '../api/schema.js'

/** Liveness: the process is up and serving. */
export async function getHealth (): Promise<components['schemas']['Health']> {
  return { status: 'ok' }
}
