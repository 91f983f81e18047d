import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** Every response names its request (the id in every log line of it) in `x-request-id`. */
export const requestId = fp(async function requestId (app: FastifyInstance) {
  app.addHook('onSend', async (request, reply) => { reply.header('x-request-id', request.id) })
}, { name: 'request-id' })
