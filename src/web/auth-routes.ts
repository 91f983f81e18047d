import type { FastifyInstance } from 'fastify'
import type { WebConfig } from '../config/web.js'
import { AppError } from '../errors.js'
import type { OidcLogin } from './oidc.js'

const MAX_AGE_LIMIT = 86400
const ACR_PATTERN = /^[\w:./ -]{1,200}$/

function stepUp (query: Record<string, string | undefined>): { maxAge?: number, acrValues?: string } {
  const out: { maxAge?: number, acrValues?: string } = {}
  if (query.max_age !== undefined) {
    const maxAge = Number(query.max_age)
    if (!Number.isInteger(maxAge) || maxAge < 0 || maxAge > MAX_AGE_LIMIT) {
      throw new AppError('RO2KEY_BAD_REQUEST', { detail: `max_age must be an integer from 0 to ${MAX_AGE_LIMIT}` })
    }
    out.maxAge = maxAge
  }
  if (query.acr_values !== undefined) {
    if (!ACR_PATTERN.test(query.acr_values)) {
      throw new AppError('RO2KEY_BAD_REQUEST', { detail: 'acr_values not valid' })
    }
    out.acrValues = query.acr_values
  }
  return out
}

/** GET /auth/login, GET /auth/callback, POST /auth/logout. */
export function authRoutes (app: FastifyInstance, web: WebConfig, login: OidcLogin): void {
  // ?max_age= and ?acr_values= re-run the login for a step-up (authentication strength)
  app.get<{ Querystring: Record<string, string | undefined> }>('/auth/login', async (request, reply) => {
    const { url, pending } = await login.start(stepUp(request.query))
    request.session.set('pending', pending)
    reply.header('cache-control', 'no-store')
    return reply.redirect(url, 302)
  })

  app.get('/auth/callback', async (request, reply) => {
    const pending = request.session.get('pending')
    if (pending === undefined) {
      throw new AppError('RO2KEY_SIGN_IN_FAILED', {
        detail: 'No sign-in is in progress in this browser (the cookie is missing or was used); start again'
      })
    }
    // one use: a replayed callback finds nothing pending
    request.session.set('pending', undefined)
    const user = await login.finish(new URL(request.url, web.publicUrl), pending)
    request.session.set('_csrf', undefined)
    request.session.set('user', user)
    request.log.info({ audit: { event: 'signed-in', uid: user.uid, teams: user.teams, amr: user.amr } }, 'signed in')
    return reply.redirect('/', 303)
  })

  app.post('/auth/logout', { preHandler: app.csrfProtection }, async (request, reply) => {
    const uid = request.session.get('user')?.uid
    request.session.delete()
    if (uid !== undefined) request.log.info({ audit: { event: 'signed-out', uid } }, 'signed out')
    return reply.redirect('/', 303)
  })
}
