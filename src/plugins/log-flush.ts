import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { logWritten } from '../log-destination.js'

/** No response before its log lines (the audit line above all) are written: see log-destination.ts. */
export const logFlush = fp(async function logFlush (app: FastifyInstance) {
  app.addHook('onSend', (request, _reply, payload, done) => {
    const written = logWritten(request.log)
    if (written) void written.then(() => done(null, payload))
    else done(null, payload)
  })
}, { name: 'log-flush' })
