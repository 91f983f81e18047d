import type { Store, StoreItem, StoreKey } from '../store/store.js'

/**
 * Who holds one IAM user's membership of one group (one item per user and group, so a sweep reads
 * one item per grant, not the grant partition). held: the grants in `grants` hold it; releasing:
 * the last hold ended and the membership is being removed; released: ro2key holds nothing.
 */
export interface HolderItem extends StoreItem {
  status: 'held' | 'releasing' | 'released'
  iam_user: string
  group: string
  /** the ids of the grants that hold the membership (held); empty otherwise */
  grants: string[]
  /** the user was a member before ro2key's first grant: ro2key never removes it */
  preexisting: boolean
  /** every write expects the version it read and sets the next one */
  version: number
  /** when the removal started (releasing) */
  released_at?: number
}

/**
 * A hold lasts this long past its latest grant's end: long enough for any sweep to release it. A
 * holder item read after that is treated as gone (the read rule), so the sweeper must run within it.
 */
export const HOLD_MARGIN_SECONDS = 7 * 24 * 3600

/** IAM user and group names never contain '#', so the key is unambiguous. */
export const holderKey = (user: string, group: string): StoreKey => ({ pk: `holder#${user}#${group}`, sk: 'holder' })

/** The item as stored (any age) and whether it still counts at `now` (expires_at > now). */
export async function readHolder (
  store: Store, key: StoreKey, now: number
): Promise<{ item: HolderItem | undefined, live: boolean }> {
  const item = await store.get<HolderItem>(key, 0)
  return { item, live: item !== undefined && item.expires_at > now }
}

/**
 * One conditional write of the holder item: a create when none was stored, else a transition that
 * expects the status and version read. The new item, or undefined when someone wrote in between.
 */
export async function writeHolder (
  store: Store, key: StoreKey, read: HolderItem | undefined, changes: Partial<HolderItem>
): Promise<HolderItem | undefined> {
  if (read === undefined) {
    const item = { status: 'held', grants: [], preexisting: false, ...changes, ...key, version: 1 } as HolderItem
    return await store.putIfAbsent(item) ? item : undefined
  }
  return await store.transition<HolderItem>(
    key, { status: [read.status], fields: { version: read.version } }, { ...changes, version: read.version + 1 }
  )
}
