import type { GrantContext } from './context.js'
import { auditGrant } from './context.js'
import { GRANT_PK, type GrantItem, type GrantStatus } from './grant.js'

/** Live active group grants of this IAM user for this group (other grants that keep the membership). */
export async function activeGroupGrants (ctx: GrantContext, user: string, group: string): Promise<GrantItem[]> {
  const items = await ctx.store.query<GrantItem>(GRANT_PK, { now: ctx.now(), status: ['active'] })
  return items.filter((g) => g.kind === 'group' && g.iam_user === user && g.name === group)
}

/**
 * Was the user in the group without us? When another grant of ours is active, it knows; otherwise IAM
 * answers (a membership we did not add is never ours to remove).
 */
export async function preexistingMembership (ctx: GrantContext, user: string, group: string): Promise<boolean> {
  const others = await activeGroupGrants(ctx, user, group)
  if (others.length > 0) return others.some((g) => g.preexisting === true)
  return await ctx.membership.isMember(user, group)
}

/** Adds the grant's IAM user to its group, unless it was a member already. */
export async function addMembership (ctx: GrantContext, item: GrantItem): Promise<void> {
  if (item.iam_user === undefined || item.preexisting === true) return
  await ctx.membership.add(item.iam_user, item.name)
  auditGrant(ctx, 'group-added', item, { iamUser: item.iam_user })
}

/** Removes the membership the grant gave, unless it pre-existed or another active grant still holds it. */
export async function releaseMembership (ctx: GrantContext, item: GrantItem): Promise<void> {
  const user = item.iam_user
  if (user === undefined) return
  if (item.preexisting === true) {
    auditGrant(ctx, 'group-kept', item, { iamUser: user, why: 'member before the grant' })
    return
  }
  const others = (await activeGroupGrants(ctx, user, item.name)).filter((g) => g.id !== item.id)
  if (others.length > 0) {
    auditGrant(ctx, 'group-kept', item, { iamUser: user, why: `grant ${others[0]?.id} still active` })
    return
  }
  await ctx.membership.remove(user, item.name)
  auditGrant(ctx, 'group-removed', item, { iamUser: user })
}

/**
 * The second half of a claimed removal (status expiring or revoking, claimed_at = ours): remove the
 * membership, then record the end. A crash in between leaves the claim, which a later sweep takes over.
 */
export async function finishRemoval (
  ctx: GrantContext, item: GrantItem, final: Extract<GrantStatus, 'expired' | 'revoked'>
): Promise<GrantItem | undefined> {
  await releaseMembership(ctx, item)
  const done = await ctx.store.transition<GrantItem>(
    { pk: item.pk, sk: item.sk },
    { status: [item.status], fields: { claimed_at: item.claimed_at ?? 0 } },
    { status: final }
  )
  if (done) auditGrant(ctx, final, done)
  return done
}
