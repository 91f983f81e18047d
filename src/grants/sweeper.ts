import { randomUUID } from 'node:crypto'
import { auditGrant, type GrantContext } from './context.js'
import { GRANT_PK, SWEEPABLE, keyOf, type GrantItem } from './grant.js'
import { finishRemoval } from './group-grants.js'

/** A claimed removal older than this is taken to have crashed, and a sweep takes it over. */
export const CLAIM_LEASE_SECONDS = 60
/** Grants handled at once by one sweep. */
const CONCURRENCY = 16

export interface SweepResult {
  /** expired items looked at */
  examined: number
  /** state changes this sweep made */
  ended: number
  /** items it could not finish (IAM or store trouble); the next sweep tries again */
  failed: number
}

type Outcome = 'ended' | 'skipped'

/** One expired item: pending or role → expired; group → claim, remove membership, expired. */
async function sweepOne (ctx: GrantContext, item: GrantItem): Promise<Outcome> {
  const now = ctx.now()
  const key = keyOf(item.id)
  if (item.status === 'pending' || (item.status === 'active' && item.kind === 'role')) {
    const done = await ctx.store.transition<GrantItem>(key, { status: [item.status] }, { status: 'expired' })
    if (done) auditGrant(ctx, item.status === 'pending' ? 'request-expired' : 'expired', done, { by: 'sweeper' })
    return done ? 'ended' : 'skipped'
  }
  const claim = randomUUID()
  let claimed: GrantItem | undefined
  if (item.status === 'active') {
    claimed = await ctx.store.transition<GrantItem>(key, { status: ['active'] }, {
      status: 'expiring', claimed_at: now, claim
    })
  } else if ((item.claimed_at ?? 0) <= now - CLAIM_LEASE_SECONDS) {
    // a DELETE or sweep that claimed it stopped half-way: take the claim over, from the store's record
    claimed = await ctx.store.transition<GrantItem>(
      key, { status: [item.status], fields: { claimed_at: item.claimed_at ?? 0 } }, { claimed_at: now, claim })
  }
  // Read the claim back (an expired item: any time > 0 reads it): DynamoDB's conditional write already
  // makes one claim win; this also holds on emulators that do not serialise conditional writes.
  if (claimed === undefined || (await ctx.store.get<GrantItem>(key, 0))?.claim !== claim) return 'skipped'
  const final = claimed.status === 'revoking' ? 'revoked' : 'expired'
  return await finishRemoval(ctx, claimed, final) ? 'ended' : 'skipped'
}

/**
 * One sweep: every expired pending or active grant, and every stale half-done removal. Safe with
 * many replicas at once: each change is conditional, so each grant ends (and its group membership
 * goes) exactly once.
 */
export async function sweep (ctx: GrantContext): Promise<SweepResult> {
  const items = await ctx.store.query<GrantItem>(GRANT_PK, { now: ctx.now(), expired: true, status: SWEEPABLE })
  const result: SweepResult = { examined: items.length, ended: 0, failed: 0 }
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as GrantItem
      try {
        if (await sweepOne(ctx, item) === 'ended') result.ended++
      } catch (err) {
        result.failed++
        ctx.log.warn({ grant: item.id, err: (err as Error).message }, 'sweep could not end a grant')
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker))
  return result
}
