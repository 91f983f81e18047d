import type { Principal } from '../auth/principal.js'
import type { GrantContext } from './context.js'
import { eligibleList } from './eligibility.js'
import { GRANT_PK, type GrantItem } from './grant.js'
import { approveGrant, listGrants, revokeGrant } from './grant-actions.js'
import { guardedStore } from './guarded-store.js'
import { requestGrant, type GrantRequest } from './request-grant.js'
import { authorizeByGrant, type GrantAllowed } from './role-grant.js'
import { sweep, type SweepResult } from './sweeper.js'
import { teamsOf } from '../policy/decide.js'

/** A role or group the caller may request, with its terms and the caller's live grant if any. */
export interface EligibleEntry {
  kind: 'role' | 'group'
  name: string
  max_grant: number
  approvers: string[]
  grant?: GrantItem
}

/** Time-boxed access (issue 14): what the routes, the vend path and the sweeper call. */
export interface Grants {
  request (principal: Principal, body: GrantRequest): Promise<GrantItem>
  list (principal: Principal): Promise<GrantItem[]>
  approve (principal: Principal, id: string): Promise<GrantItem>
  revoke (principal: Principal, id: string): Promise<void>
  /** the grant that lets this caller assume an eligible role, or undefined when the role is not eligible */
  authorizeRole (principal: Principal, roleName: string, duration?: number): Promise<GrantAllowed | undefined>
  /** what the caller may request, with live grants when the store answers */
  eligible (principal: Principal): Promise<EligibleEntry[]>
  sweep (): Promise<SweepResult>
  /** active grants by kind, for /metrics */
  countActive (): Promise<Record<'role' | 'group', number>>
}

/** The grant operations over a raw store (the sweeper) and a guarded one (requests). */
export function createGrants (ctx: GrantContext, arnPrefix: string): Grants {
  const routed: GrantContext = { ...ctx, store: guardedStore(ctx.store) }
  return {
    request: (principal, body) => requestGrant(routed, principal, body),
    list: (principal) => listGrants(routed, principal),
    approve: (principal, id) => approveGrant(routed, principal, id),
    revoke: (principal, id) => revokeGrant(routed, principal, id),
    authorizeRole: (principal, role, duration) => authorizeByGrant(routed, principal, role, duration, arnPrefix),
    async eligible (principal) {
      const entries = eligibleList(teamsOf(principal, ctx.policy), ctx.policy)
      if (entries.length === 0) return []
      let live: GrantItem[] = []
      try {
        live = await listGrants(ctx, principal)
      } catch (err) {
        ctx.log.warn({ err: (err as Error).message }, 'grants not listed: store unavailable')
      }
      return entries.map(({ kind, name, maxGrant, approvers }) => {
        const grant = live.find((g) => g.kind === kind && g.name === name && g.uid === principal.uid)
        return { kind, name, max_grant: maxGrant, approvers, ...(grant ? { grant } : {}) }
      })
    },
    sweep: () => sweep(ctx),
    async countActive () {
      const items = await ctx.store.query<GrantItem>(GRANT_PK, { now: ctx.now(), status: ['active'] })
      const count = (kind: string): number => items.filter((g) => g.kind === kind).length
      return { role: count('role'), group: count('group') }
    }
  }
}
