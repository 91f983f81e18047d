import type { StoreItem } from '../store/store.js'

export type GrantKind = 'role' | 'group'
/**
 * pending → active → expired | revoked; pending → expired | revoked. A group grant passes through
 * `expiring` / `revoking` while the IAM membership is removed: the claim that makes one sweeper (or
 * one DELETE) do the removal, and the mark that lets a later sweep finish it after a crash.
 */
export type GrantStatus = 'pending' | 'active' | 'expiring' | 'revoking' | 'expired' | 'revoked'

/** One grant as stored: partition GRANT_PK, sort key its id. */
export interface GrantItem extends StoreItem {
  status: GrantStatus
  id: string
  kind: GrantKind
  name: string
  uid: string
  /** the IAM user a group grant adds to the group */
  iam_user?: string
  /** the caller's teams that made it eligible */
  teams: string[]
  /** teams whose members may approve; empty = no approval */
  approvers: string[]
  /** seconds asked for; an approved grant runs this long from approval */
  duration: number
  created_at: number
  reason?: string
  approved_by?: string
  /** the IAM user was in the group before: ro2key never removes it */
  preexisting?: boolean
  /** when a sweeper or DELETE claimed the membership removal */
  claimed_at?: number
  /** the id of that claim: the one sweep that holds it finishes the removal */
  claim?: string
}

/** Every grant lives in one partition: one Query answers the sweeper, listings and vend checks. */
export const GRANT_PK = 'grant'
/** A pending request that nobody approves expires after an hour. */
export const PENDING_TTL = 3600
export const LIVE: readonly GrantStatus[] = ['pending', 'active']
/** What the sweeper looks at once expired: open grants and unfinished removals. */
export const SWEEPABLE: readonly GrantStatus[] = ['pending', 'active', 'expiring', 'revoking']

export const keyOf = (id: string): { pk: string, sk: string } => ({ pk: GRANT_PK, sk: id })

/** The API's view of a grant (times as ISO 8601). */
export interface GrantView {
  id: string
  kind: GrantKind
  name: string
  uid: string
  status: 'active' | 'pending'
  created_at: string
  expires_at: string
  reason?: string
  approvers?: string[]
  approved_by?: string
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString()

export function toView (item: GrantItem): GrantView {
  const view: GrantView = {
    id: item.id,
    kind: item.kind,
    name: item.name,
    uid: item.uid,
    status: item.status === 'pending' ? 'pending' : 'active',
    created_at: iso(item.created_at),
    expires_at: iso(item.expires_at)
  }
  if (item.reason !== undefined) view.reason = item.reason
  if (item.approvers.length > 0) view.approvers = item.approvers
  if (item.approved_by !== undefined) view.approved_by = item.approved_by
  return view
}
