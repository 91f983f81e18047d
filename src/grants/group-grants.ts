import { AppError } from '../errors.js'
import type { GrantContext } from './context.js'
import { auditGrant } from './context.js'
import type { GrantItem, GrantStatus } from './grant.js'
import { releaseLegacy } from './legacy-release.js'
import { HOLD_MARGIN_SECONDS, holderKey, readHolder, writeHolder, type HolderItem } from './holder-item.js'

/** Conditional writes lost to a concurrent one before giving up (the next sweep or request retries). */
const ATTEMPTS = 8

const conflict = (item: GrantItem): AppError => new AppError('RO2KEY_GRANT_CONFLICT', {
  detail: `the membership of ${item.iam_user} in ${item.name} is changing; try again`
})

/**
 * Joins the grant to the holders of its user's membership, then adds the IAM membership unless the
 * user was a member before ro2key's first grant (asked of IAM only when no hold exists). A hold being
 * released is taken over: the membership is ours, and the releaser puts it back if it removed it.
 */
export async function addMembership (ctx: GrantContext, item: GrantItem): Promise<void> {
  const user = item.iam_user
  if (user === undefined) return
  const key = holderKey(user, item.name)
  const until = item.expires_at + HOLD_MARGIN_SECONDS
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { item: read, live } = await readHolder(ctx.store, key, ctx.now())
    let changes: Partial<HolderItem>
    if (live && read?.status === 'held') {
      const grants = [...read.grants.filter((id) => id !== item.id), item.id]
      changes = { grants, expires_at: Math.max(read.expires_at, until) }
    } else if (live && read?.status === 'releasing') {
      changes = { status: 'held', grants: [item.id], preexisting: false, expires_at: until }
    } else {
      const preexisting = await ctx.membership.isMember(user, item.name)
      changes = { status: 'held', grants: [item.id], preexisting, expires_at: until, iam_user: user, group: item.name }
    }
    const held = await writeHolder(ctx.store, key, read, changes)
    if (held === undefined) continue
    if (held.preexisting) return
    await ctx.membership.add(user, item.name)
    auditGrant(ctx, 'group-added', item, { iamUser: user })
    return
  }
  throw conflict(item)
}

/**
 * Ends the grant's hold. The last hold ro2key made removes the membership; a pre-existing one or one
 * other grants hold stays. Reconciles from the store: a release a crash left half-done is finished,
 * and a membership the holders need is put back.
 */
export async function releaseMembership (ctx: GrantContext, item: GrantItem): Promise<void> {
  const user = item.iam_user
  if (user === undefined) return
  if (item.holder !== true) return await releaseLegacy(ctx, item, user)
  const key = holderKey(user, item.name)
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const now = ctx.now()
    const { item: read, live } = await readHolder(ctx.store, key, now)
    if (read === undefined || !live || read.status === 'released') return
    if (read.status === 'releasing') return await finishRelease(ctx, item, read)
    if (!read.grants.includes(item.id)) return await keep(ctx, item, read, 'reconciled')
    const rest = read.grants.filter((id) => id !== item.id)
    if (rest.length > 0 || read.preexisting) {
      const changes: Partial<HolderItem> = rest.length > 0
        ? { grants: rest }
        : { status: 'released', grants: [], expires_at: now }
      if (await writeHolder(ctx.store, key, read, changes)) {
        const why = read.preexisting ? 'member before the grant' : `grant ${rest[0]} still active`
        auditGrant(ctx, 'group-kept', item, { iamUser: user, why })
        return
      }
      continue
    }
    const releasing = await writeHolder(ctx.store, key, read, {
      status: 'releasing', grants: [], released_at: now, expires_at: now + HOLD_MARGIN_SECONDS
    })
    if (releasing) return await finishRelease(ctx, item, releasing)
  }
  throw conflict(item)
}

/** The membership stays: other grants hold it; when it is ours, make sure it is there (idempotent). */
async function keep (ctx: GrantContext, item: GrantItem, holder: HolderItem, why: string): Promise<void> {
  if (!holder.preexisting && holder.grants.length > 0) await ctx.membership.add(holder.iam_user, holder.group)
  auditGrant(ctx, 'group-kept', item, { iamUser: holder.iam_user, why: `${why}: grant ${holder.grants[0]} holds it` })
}

/** Removes the membership, then records it released; when a grant joined meanwhile, puts it back. */
async function finishRelease (ctx: GrantContext, item: GrantItem, releasing: HolderItem): Promise<void> {
  let read: HolderItem | undefined = releasing
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    await ctx.membership.remove(releasing.iam_user, releasing.group)
    const key = holderKey(releasing.iam_user, releasing.group)
    if (await writeHolder(ctx.store, key, read, { status: 'released', expires_at: ctx.now() })) {
      auditGrant(ctx, 'group-removed', item, { iamUser: releasing.iam_user })
      return
    }
    const again = await readHolder(ctx.store, key, ctx.now())
    if (again.item === undefined || !again.live || again.item.status === 'released') return
    if (again.item.status === 'held') return await keep(ctx, item, again.item, 'a grant joined during the removal')
    read = again.item
  }
  throw conflict(item)
}

/**
 * The second half of a claimed removal (status expiring or revoking, claimed_at = ours): release the
 * hold, then record the end. A crash in between leaves the claim, which a later sweep takes over.
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
