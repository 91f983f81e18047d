import swagger, { type SwaggerOptions } from '@fastify/swagger'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { servedSpec, type OpenApiDocument } from '../api/spec.js'

export interface OpenapiOptions {
  /** openapi.yaml as loaded */
  spec: OpenApiDocument
  /** AUTH_URL: the OAuth2 token URL the served document names */
  authUrl: string | undefined
}

/** headers of the UI app's answer that belong to its own (injected) connection */
const HOP_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date'])
/** request headers the UI app may use (conditional requests) */
const PASSED_HEADERS = ['accept', 'if-none-match', 'if-modified-since']

/** Swagger UI in an app of its own, as @fastify/swagger-ui serves it. */
async function uiApp (document: OpenApiDocument): Promise<FastifyInstance> {
  const [{ default: Fastify }, { default: swaggerUi }] = await Promise.all([
    import('fastify'), import('@fastify/swagger-ui')
  ])
  const ui = Fastify({ logger: false })
  await ui.register(swagger, { mode: 'static', specification: { document } } as SwaggerOptions)
  await ui.register(swaggerUi, { routePrefix: '/ui' })
  await ui.ready()
  return ui
}

/**
 * GET /ui and /ui/*: Swagger UI, its plugins and static files set up on the first request, not at
 * start-up (issue 19); the answer goes through ro2key's own hooks like any other.
 */
function lazySwaggerUi (app: FastifyInstance, document: OpenApiDocument): void {
  let ui: Promise<FastifyInstance> | undefined
  app.addHook('onClose', async () => { await (await ui?.catch(() => undefined))?.close() })
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<Buffer | FastifyReply> => {
    ui ??= uiApp(document).catch((err: unknown) => { ui = undefined; throw err })
    const headers = Object.fromEntries(PASSED_HEADERS.flatMap((h) => {
      const value = request.headers[h]
      return typeof value === 'string' ? [[h, value]] : []
    }))
    const res = await (await ui).inject({ method: 'GET', url: request.url, headers })
    // ro2key's own problem+json 404, as when the UI's routes were ro2key's
    if (res.statusCode === 404) { reply.callNotFound(); return reply }
    for (const [name, value] of Object.entries(res.headers)) {
      if (!HOP_HEADERS.has(name) && value !== undefined) reply.header(name, value)
    }
    reply.code(res.statusCode)
    return res.rawPayload
  }
  app.get('/ui', { schema: { hide: true } }, handler)
  app.get('/ui/*', { schema: { hide: true } }, handler)
}

/** The contract as served: /openapi.json (and /swagger.json, its old name) and Swagger UI at /ui. */
export const openapi = fp<OpenapiOptions>(async function openapi (app, { spec, authUrl }) {
  const document = servedSpec(spec, authUrl)
  await app.register(swagger, { mode: 'static', specification: { document } } as SwaggerOptions)
  lazySwaggerUi(app, document)
  for (const url of ['/openapi.json', '/swagger.json']) {
    app.get(url, { schema: { hide: true } }, async () => app.swagger())
  }
}, { name: 'openapi' })
