import type { Store, StoreItem } from '../store/store.js'

/**
 * active → deleting (the sweeper's claim) → deleted; deleted → active when the user comes back.
 * `role_arn` is empty while the role is being made: the sweeper finds a half-made role too.
 */
export type MimicStatus = 'active' | 'deleting' | 'deleted'

/** One mimic role as stored: partition MIMIC_PK, sort key the IAM user name. */
export interface MimicItem extends StoreItem {
  status: MimicStatus
  user: string
  role_name: string
  role_arn: string
  /** when its permissions were last copied (AssumeRole may fail for a while after) */
  copied_at: number
  last_used_at: number
  claimed_at?: number
}

/** Mimic roles have a partition of their own, apart from the grants'. */
export const MIMIC_PK = 'mimic-role'
/** A sweeper claim older than this is taken to have crashed; a later sweep takes it over. */
export const MIMIC_CLAIM_LEASE = 300

const keyOf = (user: string): { pk: string, sk: string } => ({ pk: MIMIC_PK, sk: user })

/** The conditional writes of the mimic roles' records. */
export function mimicRecords (store: Store, ttl: number) {
  /** the item exactly as read: same status, same expires_at */
  const asRead = (item: MimicItem) => ({ status: [item.status], fields: { expires_at: item.expires_at } })
  return {
    /** The record whatever its state (expired and deleted ones too), or undefined. */
    read: async (user: string): Promise<MimicItem | undefined> => await store.get<MimicItem>(keyOf(user), 0),
    /** Starts a copy: a new active record, or `previous` made active again; undefined when another request won. */
    async begin (user: string, roleName: string, now: number, previous?: MimicItem): Promise<MimicItem | undefined> {
      const fresh: MimicItem = {
        ...keyOf(user),
        status: 'active',
        user,
        role_name: roleName,
        role_arn: previous?.status === 'active' ? previous.role_arn : '',
        copied_at: now,
        last_used_at: now,
        expires_at: now + ttl
      }
      if (previous === undefined) return await store.putIfAbsent(fresh) ? fresh : undefined
      const { pk, sk, ...changes } = fresh
      return await store.transition<MimicItem>(keyOf(user), asRead(previous), changes)
    },
    /** The role exists with its permissions: record its ARN (the copy time stays). */
    ready: async (item: MimicItem, arn: string): Promise<MimicItem | undefined> =>
      await store.transition<MimicItem>(keyOf(item.user), asRead(item), { role_arn: arn }),
    /** Extends a used role's life to now + ttl; undefined when the record changed meanwhile. */
    touch: async (item: MimicItem, now: number): Promise<MimicItem | undefined> =>
      await store.transition<MimicItem>(keyOf(item.user), asRead(item), { expires_at: now + ttl, last_used_at: now }),
    /** Expired records the sweeper must handle: active ones, and deletions that stopped half-way. */
    expired: async (now: number): Promise<MimicItem[]> =>
      await store.query<MimicItem>(MIMIC_PK, { now, expired: true, status: ['active', 'deleting'] }),
    /** The sweeper's claim: one replica deletes the role. */
    async claim (item: MimicItem, now: number): Promise<MimicItem | undefined> {
      if (item.status === 'deleting' && (item.claimed_at ?? 0) > now - MIMIC_CLAIM_LEASE) return undefined
      const expected = item.status === 'deleting'
        ? { status: ['deleting'], fields: { claimed_at: item.claimed_at ?? 0 } }
        : asRead(item)
      return await store.transition<MimicItem>(keyOf(item.user), expected, { status: 'deleting', claimed_at: now })
    },
    /** The role is gone: the record stays as history until DynamoDB's TTL removes it. */
    deleted: async (item: MimicItem): Promise<MimicItem | undefined> =>
      await store.transition<MimicItem>(keyOf(item.user), {
        status: ['deleting'], fields: { claimed_at: item.claimed_at ?? 0 }
      }, { status: 'deleted' })
  }
}

export type MimicRecords = ReturnType<typeof mimicRecords>
