// Route options for the spec's routes: handlers by operationId, security requirements as one
// preHandler with fastify-openapi-glue's semantics (its SecurityError, unwrapped by the error handler).
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import type { Security, SpecRoute } from './spec-routes.js'

export type SecurityHandler = (request: FastifyRequest, reply: FastifyReply, scopes: string[]) => unknown
// each handler declares its own request type; the route schema guarantees it
type Handler = (request: any, reply: FastifyReply) => unknown

/** glue's SecurityError: the error handler unwraps the AppError in `errors`. */
class SecurityError extends Error {
  constructor (message: string, readonly statusCode: number, readonly errors: unknown[]) {
    super(message)
    this.name = 'Unauthorized'
  }
}

/**
 * The preHandler for a route's security requirements: the first alternative whose handlers all
 * pass admits the request; alternatives with the very same handlers and scopes are tried once.
 */
export function securityPreHandler (
  security: Security, handlers: Record<string, SecurityHandler>
): ((request: FastifyRequest, reply: FastifyReply) => Promise<void>) | undefined {
  const ids = new Map<SecurityHandler, number>()
  const idOf = (name: string): number => {
    const handler = handlers[name]
    if (handler === undefined) throw new Error(`openapi.yaml: no handler for security scheme ${name}`)
    if (!ids.has(handler)) ids.set(handler, ids.size)
    return ids.get(handler) ?? -1
  }
  const seen = new Set<string>()
  const alternatives = security.filter((alt) => {
    const key = JSON.stringify(Object.entries(alt).map(([name, scopes]) => [idOf(name), scopes]))
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
  if (alternatives.length === 0) return undefined
  return async function security (request, reply) {
    const errors: unknown[] = []
    let status = 401
    for (const alternative of alternatives) {
      try {
        for (const [name, scopes] of Object.entries(alternative)) await handlers[name]?.(request, reply, scopes)
        return
      } catch (err) {
        errors.push(err)
        const code = (err as { statusCode?: unknown }).statusCode
        if (typeof code === 'number') status = code
      }
    }
    throw new SecurityError('None of the security schemes authenticated this request.', status, errors)
  }
}

/** Fastify route options for each spec route, its handler by operationId. */
export function routeOptions (
  routes: SpecRoute[], handlers: Record<string, Handler>, security: Record<string, SecurityHandler>
): RouteOptions[] {
  return routes.map((route) => ({
    method: route.method,
    url: route.url,
    schema: route.schema,
    config: route.config,
    preHandler: route.security ? securityPreHandler(route.security, security) : undefined,
    handler: handlers[route.operationId] ?? (async () => {
      throw new Error(`Operation ${route.operationId} not implemented`)
    })
  }))
}
