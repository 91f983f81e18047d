/** A key of the one table: partition key and sort key. */
export interface StoreKey {
  pk: string
  sk: string
}

/**
 * Every item carries `expires_at` (seconds since the epoch) and is treated as gone from then on,
 * whatever DynamoDB's TTL sweep (which lags up to two days) has done. `status` is the state the
 * conditional writes check.
 */
export interface StoreItem extends StoreKey {
  status: string
  expires_at: number
}

/** The state a transition expects: one of these statuses and, optionally, these exact field values. */
export interface Expected {
  status: readonly string[]
  fields?: Record<string, string | number | boolean>
  /** the item must not have expired at this time (seconds since the epoch) */
  liveAt?: number
}

export interface QueryOptions {
  /** seconds since the epoch: the items' `expires_at` is compared with it */
  now: number
  /** false (default): only live items (expires_at > now); true: only expired ones (expires_at <= now) */
  expired?: boolean
  /** only items in one of these statuses */
  status?: readonly string[]
}

/**
 * The state store: a small, typed API over one DynamoDB table. Every write that changes state is
 * conditional, so two replicas never apply one change twice; a failed condition is an answer
 * (`false` / `undefined`), not an error. Outages throw StoreUnavailableError.
 */
export interface Store {
  /** Creates the item unless one with its key exists; false when it existed. */
  putIfAbsent<T extends StoreItem>(item: T): Promise<boolean>
  /** Sets `changes` when the item is in the expected state; the new item, or undefined when it was not. */
  transition<T extends StoreItem>(key: StoreKey, expected: Expected, changes: Partial<T>): Promise<T | undefined>
  /** The live item (expires_at > now), or undefined. */
  get<T extends StoreItem>(key: StoreKey, now: number): Promise<T | undefined>
  /** Every item of a partition, filtered on expires_at (and status), in sort-key order. */
  query<T extends StoreItem>(pk: string, options: QueryOptions): Promise<T[]>
}

/** The store could not be reached or answered with an error (not a failed condition). */
export class StoreUnavailableError extends Error {
  constructor (message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'StoreUnavailableError'
  }
}

/** Seconds an item stays in the table after it expired (history for operators), before the TTL removes it. */
export const RETENTION_SECONDS = 7 * 24 * 3600
