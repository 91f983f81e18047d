import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'

/** The same shape ro2key answers with, so both sides serialise through a compiled schema. */
const CREDENTIALS_SCHEMA = {
  type: 'object',
  properties: {
    Version: { type: 'integer' },
    AccessKeyId: { type: 'string' },
    SecretAccessKey: { type: 'string' },
    SessionToken: { type: 'string' },
    Token: { type: 'string' },
    Expiration: { type: 'string' }
  }
} as const

/**
 * Bare Fastify: one route that returns a fixed credential body, with the caller's logger, or
 * (no logger given) as a user would set it up: `logger: true`, pino writing synchronously to stdout.
 */
export async function buildBaseline (logger: FastifyBaseLogger | undefined, body: Record<string, unknown>): Promise<FastifyInstance> {
  const app = logger ? Fastify({ loggerInstance: logger }) : Fastify({ logger: true })
  app.get('/ready', async () => ({ status: 'ready' }))
  app.get('/get_key/:role_name', { schema: { response: { 200: CREDENTIALS_SCHEMA } } }, async (_request, reply) => {
    reply.header('cache-control', 'no-store')
    return body
  })
  return app
}
