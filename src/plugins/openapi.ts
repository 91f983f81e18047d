import swagger, { type SwaggerOptions } from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'
import { servedSpec, type OpenApiDocument } from '../api/spec.js'

export interface OpenapiOptions {
  /** openapi.yaml as loaded */
  spec: OpenApiDocument
  /** AUTH_URL: the OAuth2 token URL the served document names */
  authUrl: string | undefined
}

/** The contract as served: /openapi.json (and /swagger.json, its old name) and Swagger UI at /ui. */
export const openapi = fp<OpenapiOptions>(async function openapi (app, { spec, authUrl }) {
  const document = servedSpec(spec, authUrl)
  await app.register(swagger, { mode: 'static', specification: { document } } as SwaggerOptions)
  await app.register(swaggerUi, { routePrefix: '/ui' })
  for (const url of ['/openapi.json', '/swagger.json']) {
    app.get(url, { schema: { hide: true } }, async () => app.swagger())
  }
}, { name: 'openapi' })
