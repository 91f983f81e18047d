import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { components } from '../api/schema.js'
import { toAppError } from '../error-handler.js'
import { AppError, toProblem } from '../errors.js'
import { grantsOf } from './shared/grants-of.js'

type MembershipResult = components['schemas']['MembershipResult']
type Action = MembershipResult['action']

/**
 * riboseinc iam-authenticating-group's answers: `{"action","success"}`, and on failure a problem+json
 * body that carries `action` and `success: false` too, so its clients read both.
 */
async function answer (
  request: FastifyRequest, reply: FastifyReply, action: Action, work: () => Promise<void>
): Promise<MembershipResult | FastifyReply> {
  try {
    await work()
    reply.header('cache-control', 'no-store')
    return { action, success: true }
  } catch (raw) {
    const err = toAppError(raw as FastifyError)
    const cause = err.cause instanceof Error ? err.cause.message : undefined
    request.log[err.statusCode >= 500 ? 'error' : 'info']({ code: err.code, status: err.statusCode, cause }, err.title)
    const body = { ...toProblem(err, '/membership', request.id), action, success: false }
    return reply.code(err.statusCode).headers(err.headers).type('application/problem+json').send(body)
  }
}

/** POST /membership: a grant of every eligible group without approvers, for its max_grant. */
export async function authorizeMembership (
  request: FastifyRequest, reply: FastifyReply
): Promise<MembershipResult | FastifyReply> {
  return await answer(request, reply, 'AUTHORIZE', async () => {
    const { grants, principal } = grantsOf(request)
    const groups = (await grants.eligible(principal)).filter((e) => e.kind === 'group' && e.approvers.length === 0)
    if (groups.length === 0) {
      throw new AppError('RO2KEY_GRANT_NOT_ELIGIBLE', { detail: 'no group you may join without approval' })
    }
    for (const group of groups) await grants.request(principal, { group: group.name, reason: 'POST /membership' })
  })
}

/** DELETE /membership: revokes the caller's live group grants. */
export async function revokeMembership (
  request: FastifyRequest, reply: FastifyReply
): Promise<MembershipResult | FastifyReply> {
  return await answer(request, reply, 'REVOKE', async () => {
    const { grants, principal } = grantsOf(request)
    const mine = (await grants.list(principal)).filter((g) => g.uid === principal.uid && g.kind === 'group')
    for (const grant of mine) await grants.revoke(principal, grant.id)
  })
}
