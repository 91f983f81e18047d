import rateLimit from '@fastify/rate-limit'
import type { FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../errors.js'
import { isOperational } from './exempt.js'

const WINDOW_MS = 60_000

interface LimitResult {
  isAllowed: boolean
  isExceeded?: boolean
  max?: number
  remaining?: number
  ttlInSeconds?: number
}
type Limiter = (req: FastifyRequest, opts?: { increment: boolean }) => Promise<LimitResult>

export interface RateLimitOptions {
  /** requests per minute and caller; 0 turns the limit off */
  perMinute: number
}

/** Callers are counted by uid once the token is verified, by client IP before that. */
export function rateLimitKey (request: FastifyRequest): string {
  return request.principal ? `uid:${request.principal.uid}` : `ip:${request.ip}`
}

function tooMany (result: LimitResult): AppError {
  const retryAfter = String(Math.max(1, result.ttlInSeconds ?? 1))
  return new AppError('RO2KEY_RATE_LIMITED', {
    detail: `More than ${result.max ?? 0} requests a minute; retry after ${retryAfter} s`,
    headers: {
      'retry-after': retryAfter,
      'x-ratelimit-limit': String(result.max ?? 0),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': retryAfter
    }
  })
}

function appendPreHandler (route: RouteOptions, hook: (request: FastifyRequest) => Promise<void>): void {
  const existing = route.preHandler
  const before = Array.isArray(existing) ? existing : existing ? [existing] : []
  route.preHandler = [...before, hook] as RouteOptions['preHandler']
}

/**
 * Per-caller rate limit. Before authentication a request is checked (not counted) against
 * its client IP, so an IP that sent too many unauthenticated requests cannot make ro2key call
 * the token service again; only requests refused for their token (401) count against the IP,
 * and a token still valid in the token cache passes a blocked IP (it needs no upstream call).
 * After the security handler (openapi-glue runs it as a route preHandler) a verified request
 * counts against its uid, so robots behind one NAT do not share a budget.
 * Registered before the routes (the `routes` plugin depends on it): it hooks every route added later.
 */
export const rateLimitPlugin = fp<RateLimitOptions>(async function rateLimitPlugin (app, { perMinute }) {
  if (perMinute === 0) return
  await app.register(rateLimit, { global: false, max: perMinute, timeWindow: WINDOW_MS })
  const limiter = app.createRateLimit({ keyGenerator: rateLimitKey }) as Limiter
  app.addHook('onRequest', async (request) => {
    if (isOperational(request)) return
    const seen = await limiter(request, { increment: false })
    // A token already verified (still in the token cache) costs no upstream call: it is
    // served whatever its IP sent before, and counted against its uid once authenticated.
    if (!seen.isAllowed && (seen.remaining ?? 1) <= 0 && app.knownPrincipal(request) === undefined) throw tooMany(seen)
  })
  app.addHook('onRoute', (route) => {
    appendPreHandler(route, async (request) => {
      if (!request.principal) return
      const counted = await limiter(request)
      if (counted.isExceeded) throw tooMany(counted)
    })
  })
  app.addHook('onResponse', async (request, reply) => {
    // Only a refused token (401) counts against the IP: a 404, 400 or 405 of a neighbour behind
    // the same NAT never uses up the budget of the robots sharing its address.
    if (request.principal || isOperational(request) || reply.statusCode !== 401) return
    await limiter(request)
  })
}, { name: 'rate-limit', dependencies: ['error-handler', 'authentication'] })
