import type { FastifyBaseLogger } from 'fastify'
import type { Policy } from '../policy/policy-file.js'
import type { Store } from '../store/store.js'
import type { GrantItem } from './grant.js'
import type { GroupMembership } from './group-membership.js'

/** What the grant operations share: the store, IAM groups, the policy, a clock and the audit log. */
export interface GrantContext {
  store: Store
  membership: GroupMembership
  policy: Policy
  /** whole seconds since the epoch */
  now: () => number
  log: FastifyBaseLogger
}

/** One audit line per state change; never a secret (a grant holds none). */
export function auditGrant (
  ctx: Pick<GrantContext, 'log'>, event: string, item: GrantItem, extra: Record<string, unknown> = {}
): void {
  const { id, kind, name, uid, status } = item
  const expiresAt = new Date(item.expires_at * 1000).toISOString()
  ctx.log.info({ audit: { event, grant: id, kind, name, uid, status, expiresAt, ...extra } }, `grant ${event}`)
}
