import { auditGrant, type GrantContext } from './context.js'
import { GRANT_PK, type GrantItem } from './grant.js'

/**
 * The release of a group grant stored before holder items existed (no `holder` field): the check it
 * was made with, a Query for other active grants of the same user and group. Such grants are few
 * and end within their max_grant of the upgrade, so the scan does not come back for new grants.
 */
export async function releaseLegacy (ctx: GrantContext, item: GrantItem, user: string): Promise<void> {
  if (item.preexisting === true) {
    auditGrant(ctx, 'group-kept', item, { iamUser: user, why: 'member before the grant' })
    return
  }
  const active = await ctx.store.query<GrantItem>(GRANT_PK, { now: ctx.now(), status: ['active'] })
  const other = active.find((g) =>
    g.kind === 'group' && g.iam_user === user && g.name === item.name && g.id !== item.id)
  if (other !== undefined) {
    auditGrant(ctx, 'group-kept', item, { iamUser: user, why: `grant ${other.id} still active` })
    return
  }
  await ctx.membership.remove(user, item.name)
  auditGrant(ctx, 'group-removed', item, { iamUser: user })
}
