import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../errors.js'

/** Requests with a body are refused: every route is a GET. */
export const BODY_LIMIT_BYTES = 1024

/** Refuses a body on GET before any work is done (no route of ro2key reads one). */
export const requestLimits = fp(async function requestLimits (app: FastifyInstance) {
  app.addHook('onRequest', async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return
    const length = request.headers['content-length']
    if ((length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined) {
      throw new AppError('RO2KEY_BAD_REQUEST', { detail: `${request.method} requests take no body` })
    }
  })
}, { name: 'request-limits', dependencies: ['error-handler'] })
