import { randomUUID } from 'node:crypto'
import type { Principal } from '../auth/principal.js'
import { MIN_DURATION } from '../aws/sts-rules.js'
import { AppError } from '../errors.js'
import { teamsOf } from '../policy/decide.js'
import { auditGrant, type GrantContext } from './context.js'
import { eligibilityFor, iamUserOf, type Eligibility } from './eligibility.js'
import { PENDING_TTL, keyOf, type GrantItem, type GrantKind } from './grant.js'
import { addMembership, preexistingMembership } from './group-grants.js'

/** The body of POST /grants. */
export interface GrantRequest {
  role?: string
  group?: string
  duration?: number
  reason?: string
}

const IAM_USER = /^[\w+=,.@-]{1,64}$/

function target (body: GrantRequest): { kind: GrantKind, name: string } {
  if ((body.role === undefined) === (body.group === undefined)) {
    throw new AppError('RO2KEY_BAD_REQUEST', { detail: 'body: give exactly one of "role" and "group"' })
  }
  return body.role !== undefined ? { kind: 'role', name: body.role } : { kind: 'group', name: body.group as string }
}

function durationOf (kind: GrantKind, name: string, asked: number | undefined, terms: Eligibility): number {
  const duration = asked ?? terms.maxGrant
  if (duration > terms.maxGrant) {
    throw new AppError('RO2KEY_DURATION_ABOVE_CAP', {
      detail: `duration is above ${terms.maxGrant} seconds, the longest grant your teams may request for ${name}`
    })
  }
  if (kind === 'role' && duration < MIN_DURATION) {
    throw new AppError('RO2KEY_BAD_REQUEST', {
      detail: `a role grant lasts at least ${MIN_DURATION} seconds (STS's shortest session)`
    })
  }
  return duration
}

function iamUserFor (ctx: GrantContext, principal: Principal): string {
  const user = iamUserOf(principal, ctx.policy)
  if (user === undefined) {
    throw new AppError('RO2KEY_GRANT_NOT_ELIGIBLE', {
      detail: 'None of your teams is listed under iam_users.teams: group grants need an IAM user'
    })
  }
  if (!IAM_USER.test(user)) {
    throw new AppError('RO2KEY_BAD_REQUEST', { detail: 'your uid does not make a valid IAM user name' })
  }
  return user
}

/** The new grant's item: pending when approvers are named, else active from now. */
async function newItem (
  ctx: GrantContext, principal: Principal, body: GrantRequest, terms: Eligibility, kind: GrantKind, name: string
): Promise<GrantItem> {
  const now = ctx.now()
  const duration = durationOf(kind, name, body.duration, terms)
  const pending = terms.approvers.length > 0
  const id = randomUUID()
  const item: GrantItem = {
    ...keyOf(id),
    id,
    kind,
    name,
    uid: principal.uid,
    teams: terms.teams,
    approvers: terms.approvers,
    duration,
    created_at: now,
    status: pending ? 'pending' : 'active',
    expires_at: now + (pending ? PENDING_TTL : duration),
    reason: body.reason
  }
  if (kind === 'group') {
    item.iam_user = iamUserFor(ctx, principal)
    if (!pending) item.preexisting = await preexistingMembership(ctx, item.iam_user, name)
  }
  return item
}

/** POST /grants: checks eligibility, stores the grant (conditional put), adds the group membership. */
export async function requestGrant (ctx: GrantContext, principal: Principal, body: GrantRequest): Promise<GrantItem> {
  const { kind, name } = target(body)
  const terms = eligibilityFor(teamsOf(principal, ctx.policy), kind, name, ctx.policy)
  if (terms === undefined) {
    throw new AppError('RO2KEY_GRANT_NOT_ELIGIBLE', {
      detail: `None of your teams lists ${kind} ${name} under eligible`
    })
  }
  const item = await newItem(ctx, principal, body, terms, kind, name)
  if (!await ctx.store.putIfAbsent(item)) throw new AppError('RO2KEY_INTERNAL', { detail: 'grant id collision' })
  auditGrant(ctx, 'requested', item, { duration: item.duration, reason: item.reason, teams: item.teams })
  if (item.status === 'active' && kind === 'group') await activateOrUndo(ctx, item)
  return item
}

/** Adds the membership; when IAM refuses, the grant is revoked so it never claims a membership it lacks. */
export async function activateOrUndo (ctx: GrantContext, item: GrantItem): Promise<void> {
  try {
    await addMembership(ctx, item)
  } catch (err) {
    await ctx.store.transition<GrantItem>(keyOf(item.id), { status: ['active'] }, {
      status: 'revoked', expires_at: ctx.now()
    })
    auditGrant(ctx, 'revoked', item, { why: 'IAM refused the membership' })
    throw err
  }
}
