import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** Every response names its request (the id in every log line of it) in `x-request-id`. */
export const requestId = fp(async function requestId (app: FastifyInstance) {
  // a callback hook: no promise per response on the hot path
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id)
    done(null, payload)
  })
}, { name: 'request-id' })
