import type { FastifyInstance } from 'fastify'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the web page has a form at the same method and path: this route takes only requests with Authorization */
    sharedWithWebForm?: boolean
  }
}

const STRATEGY = 'ro2keyAuthorization'

/**
 * POST /me/credentials is both the API's (issue 15, bearer token) and the web page's form (issue
 * 18, session cookie). With the web page on, a route of the spec marked `sharedWithWebForm` only
 * matches requests that carry an Authorization header; the rest reach the form. (find-my-way falls
 * back to the unconstrained route when the constrained one does not match.)
 */
export function shareRoutesWithWebForms (app: FastifyInstance): void {
  app.addConstraintStrategy({
    name: STRATEGY,
    storage () {
      const handlers = new Map<string, unknown>()
      return {
        get: (value: string) => handlers.get(value) ?? null,
        set: (value: string, store: unknown) => { handlers.set(value, store) }
      }
    },
    deriveConstraint: (request) => request.headers.authorization ? 'present' : undefined,
    mustMatchWhenDerived: false
  } as Parameters<FastifyInstance['addConstraintStrategy']>[0])
  app.addHook('onRoute', (route) => {
    if (route.config?.sharedWithWebForm === true) route.constraints = { ...route.constraints, [STRATEGY]: 'present' }
  })
}
