import type { FastifyInstance } from 'fastify'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** bytes: this route's body limit instead of the global 1 KiB (x-fastify-config in openapi.yaml) */
    bodyLimit?: number
  }
}

/** Lets a route of the spec raise its body limit (POST /keys takes an armored OpenPGP key). */
export function applyBodyLimits (app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const limit = route.config?.bodyLimit
    if (typeof limit === 'number') route.bodyLimit = limit
  })
}
