// Bare Fastify as a user would start it, for the start-up comparison: `logger: true` (pino,
// synchronous, to stdout), one route, GET /ready. Env: PORT.
import Fastify from 'fastify'

const app = Fastify({ logger: true })
app.get('/ready', async () => ({ status: 'ready' }))
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
