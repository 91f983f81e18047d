import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type {} from '@fastify/secure-session'
import { AppError } from '../errors.js'
import type { GrantItem } from '../grants/grant.js'
import type { GrantRequest } from '../grants/request-grant.js'
import { grantsOf } from '../routes/shared/grants-of.js'
import { COUNTDOWN_JS } from './countdown-asset.js'
import { signedInHandler } from './signed-in.js'

declare module '@fastify/secure-session' {
  interface SessionData {
    /** one line for the grants section after a form (post/redirect/get), shown once */
    grantNotice: string
  }
}

interface GrantForm { kind?: string, name?: string, minutes?: string, reason?: string }
type IdRequest = FastifyRequest<{ Params: { id: string } }>

/** The API's limits (openapi.yaml GrantRequest): IAM names, at most 12 hours, a 500-character reason. */
const NAME = /^[\w+=,.@-]{1,128}$/
const GRANT_ID = /^[\w-]{1,64}$/
const MAX_MINUTES = 720
const MAX_REASON = 500
const ASSET_MAX_AGE = 'public, max-age=3600'

const bad = (detail: string): AppError => new AppError('RO2KEY_BAD_REQUEST', { detail })

/** The request form -> POST /grants's body; minutes on the page, seconds for the service. */
export function grantRequestOf (form: GrantForm | undefined): GrantRequest {
  const { kind, name, minutes, reason } = form ?? {}
  if (kind !== 'role' && kind !== 'group') throw bad('kind must be role or group')
  if (typeof name !== 'string' || !NAME.test(name) || (kind === 'role' && name.length > 64)) {
    throw bad(`name must be an IAM ${kind} name`)
  }
  const body: GrantRequest = kind === 'role' ? { role: name } : { group: name }
  if (minutes !== undefined && minutes !== '') {
    const n = Number(minutes)
    if (!Number.isInteger(n) || n < 1 || n > MAX_MINUTES) {
      throw bad(`minutes must be a whole number from 1 to ${MAX_MINUTES}`)
    }
    body.duration = n * 60
  }
  if (typeof reason === 'string' && reason.trim() !== '') {
    if (reason.length > MAX_REASON) throw bad(`the reason is longer than ${MAX_REASON} characters`)
    body.reason = reason.trim()
  }
  return body
}

function idOf (request: IdRequest): string {
  if (!GRANT_ID.test(request.params.id)) throw bad('not a grant id')
  return request.params.id
}

function describe (item: GrantItem): string {
  const what = `${item.kind} ${item.name}`
  if (item.status === 'pending') return `Requested ${what}: waiting for approval by ${item.approvers.join(', ')}`
  return `${what} is yours for ${Math.round(item.duration / 60)} minutes`
}

/** Back to the page's grants section, with a one-line notice (post/redirect/get). */
function back (request: FastifyRequest, reply: FastifyReply, notice: string): FastifyReply {
  request.session.set('grantNotice', notice)
  return reply.header('cache-control', 'no-store').redirect('/#grants-title', 303)
}

/**
 * The grants section's forms: request, approve, revoke, each through the service POST /grants,
 * POST /grants/{id}/approve and DELETE /grants/{id} call (same checks, conditional writes, audit lines).
 */
export function grantRoutes (app: FastifyInstance, now: () => number): void {
  const preHandler = [signedInHandler(now), app.csrfProtection]
  app.get('/assets/countdown.js', async (_request, reply) =>
    await reply.type('text/javascript; charset=utf-8').header('cache-control', ASSET_MAX_AGE).send(COUNTDOWN_JS))

  app.post('/me/grants', { preHandler }, async (request, reply) => {
    const body = grantRequestOf(request.body as GrantForm | undefined)
    const { grants, principal } = grantsOf(request)
    return back(request, reply, describe(await grants.request(principal, body)))
  })

  app.post<{ Params: { id: string } }>('/me/grants/:id/approve', { preHandler }, async (request, reply) => {
    const { grants, principal } = grantsOf(request)
    const item = await grants.approve(principal, idOf(request))
    return back(request, reply, `Approved ${item.uid}'s ${item.kind} ${item.name}`)
  })

  app.post<{ Params: { id: string } }>('/me/grants/:id/revoke', { preHandler }, async (request, reply) => {
    const { grants, principal } = grantsOf(request)
    await grants.revoke(principal, idOf(request))
    return back(request, reply, 'Revoked: the grant has ended')
  })
}
