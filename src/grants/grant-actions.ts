import type { Principal } from '../auth/principal.js'
import { AppError } from '../errors.js'
import { auditGrant, type GrantContext } from './context.js'
import { mayApprove } from './eligibility.js'
import { GRANT_PK, LIVE, keyOf, type GrantItem } from './grant.js'
import { finishRemoval, preexistingMembership } from './group-grants.js'
import { activateOrUndo } from './request-grant.js'

const notFound = (id: string): AppError =>
  new AppError('RO2KEY_NOT_FOUND', { detail: `no open grant ${id} (unknown, expired or ended)` })

async function liveGrant (ctx: GrantContext, id: string): Promise<GrantItem> {
  const item = await ctx.store.get<GrantItem>(keyOf(id), ctx.now())
  if (item === undefined || !LIVE.includes(item.status)) throw notFound(id)
  return item
}

/** GET /grants: the caller's own live grants and the pending requests the caller may approve. */
export async function listGrants (ctx: GrantContext, principal: Principal): Promise<GrantItem[]> {
  const items = await ctx.store.query<GrantItem>(GRANT_PK, { now: ctx.now(), status: LIVE })
  return items
    .filter((g) => g.uid === principal.uid || (g.status === 'pending' && mayApprove(principal, g, ctx.policy)))
    .sort((a, b) => a.created_at - b.created_at || a.id.localeCompare(b.id))
}

/** POST /grants/{id}/approve: pending → active (conditional), the clock starting now. */
export async function approveGrant (ctx: GrantContext, principal: Principal, id: string): Promise<GrantItem> {
  const item = await liveGrant(ctx, id)
  if (!mayApprove(principal, item, ctx.policy)) {
    const detail = item.uid === principal.uid
      ? 'nobody approves their own request'
      : `only a member of ${item.approvers.join(', ') || 'an approver team'} may approve this request`
    throw new AppError('RO2KEY_GRANT_FORBIDDEN', { detail })
  }
  if (item.status !== 'pending') throw new AppError('RO2KEY_GRANT_CONFLICT', { detail: `grant ${id} is not pending` })
  const now = ctx.now()
  const preexisting = item.kind === 'group' && item.iam_user !== undefined
    ? await preexistingMembership(ctx, item.iam_user, item.name)
    : undefined
  const active = await ctx.store.transition<GrantItem>(
    keyOf(id),
    { status: ['pending'], liveAt: now },
    { status: 'active', expires_at: now + item.duration, approved_by: principal.uid, preexisting }
  )
  if (active === undefined) throw new AppError('RO2KEY_GRANT_CONFLICT', { detail: `grant ${id} is no longer pending` })
  auditGrant(ctx, 'approved', active, { approvedBy: principal.uid })
  if (active.kind === 'group') await activateOrUndo(ctx, active)
  return active
}

/** DELETE /grants/{id}: the requester or an approver ends the grant now; a group membership goes at once. */
export async function revokeGrant (ctx: GrantContext, principal: Principal, id: string): Promise<void> {
  const item = await liveGrant(ctx, id)
  const approver = item.approvers.length > 0 && mayApprove(principal, item, ctx.policy)
  if (item.uid !== principal.uid && !approver) {
    throw new AppError('RO2KEY_GRANT_FORBIDDEN', { detail: 'only the requester or an approver may revoke a grant' })
  }
  const now = ctx.now()
  const removing = item.status === 'active' && item.kind === 'group'
  const ended = await ctx.store.transition<GrantItem>(
    keyOf(id),
    { status: [item.status] },
    removing ? { status: 'revoking', expires_at: now, claimed_at: now } : { status: 'revoked', expires_at: now }
  )
  if (ended === undefined) throw notFound(id)
  auditGrant(ctx, removing ? 'revoking' : 'revoked', ended, { by: principal.uid })
  if (removing) await finishRemoval(ctx, ended, 'revoked')
}
