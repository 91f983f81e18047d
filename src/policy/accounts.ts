import type { Partition } from '../aws/partitions.js'
import { ALIAS } from './role-pattern.js'

/** One `accounts:` entry as written: the role ARN prefix, and whether another partition is deliberate. */
export interface AccountEntry {
  prefix: string
  otherPartition: boolean
}

/** An AWS account ro2key vends roles in: ARN_PREFIX's (the default) or one of the policy's `accounts:`. */
export interface Account {
  /** the policy's alias; the default account has one only when `accounts:` lists ARN_PREFIX too */
  alias: string | undefined
  /** the 12-digit account id */
  id: string
  /** role ARN prefix, e.g. arn:aws:iam::111111111111:role (no trailing slash) */
  prefix: string
  partition: Partition
  isDefault: boolean
}

/** The default account and the listed ones, and the lookup of a URL's account segment. */
export interface Accounts {
  default: Account
  /** the default first, then the listed accounts in policy order (each prefix once) */
  all: Account[]
  /** an alias or the 12-digit id of a listed account (or of the default); undefined when unlisted */
  resolve (segment: string): Account | undefined
}

/** Same rules as ARN_PREFIX: arn:PARTITION:iam::ACCOUNT:role[/path], no trailing slash. */
export const ARN_PREFIX_SHAPE = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role(\/[\w+=,.@-]+)*$/
const ACCOUNT_ID = /^\d{12}$/
const ENTRY_KEYS = new Set(['arn_prefix', 'other_partition'])

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseEntry (alias: string, raw: unknown, problems: string[]): AccountEntry | undefined {
  const where = `accounts.${alias}`
  if (!ALIAS.test(alias)) problems.push(`${where}: an alias is 1-32 of a-z 0-9 - (starting with a letter or digit)`)
  if (ACCOUNT_ID.test(alias)) problems.push(`${where}: an alias must not look like an account id`)
  const entry = isRecord(raw) ? raw : { arn_prefix: raw }
  for (const key of Object.keys(entry)) {
    if (!ENTRY_KEYS.has(key)) problems.push(`${where}.${key} is not a known key (arn_prefix, other_partition)`)
  }
  const prefix = entry.arn_prefix
  if (typeof prefix !== 'string' || !ARN_PREFIX_SHAPE.test(prefix)) {
    problems.push(`${where} must be a role ARN prefix like arn:aws:iam::111111111111:role[/path], no trailing slash`)
    return undefined
  }
  if (entry.other_partition !== undefined && typeof entry.other_partition !== 'boolean') {
    problems.push(`${where}.other_partition must be true or false`)
  }
  return { prefix, otherPartition: entry.other_partition === true }
}

/** The `accounts:` section: alias -> prefix; one prefix per alias and one alias per prefix. */
export function parseAccounts (raw: unknown, problems: string[]): Map<string, AccountEntry> {
  const accounts = new Map<string, AccountEntry>()
  if (raw === undefined || raw === null) return accounts
  if (!isRecord(raw)) {
    problems.push('accounts must be a mapping of alias to role ARN prefix')
    return accounts
  }
  const byPrefix = new Map<string, string>()
  for (const [alias, value] of Object.entries(raw)) {
    const entry = parseEntry(alias, value, problems)
    if (entry === undefined) continue
    const other = byPrefix.get(entry.prefix)
    if (other !== undefined) problems.push(`accounts.${alias}: ${entry.prefix} already has the alias ${other}`)
    byPrefix.set(entry.prefix, alias)
    accounts.set(alias, entry)
  }
  return accounts
}

function accountOf (prefix: string, alias: string | undefined, isDefault: boolean): Account {
  const [, partition, id] = ARN_PREFIX_SHAPE.exec(prefix) ?? []
  return { alias, id: id ?? '', prefix, partition: (partition ?? 'aws') as Partition, isDefault }
}

/**
 * The accounts ro2key serves: ARN_PREFIX plus the policy's. An account in another partition than
 * ARN_PREFIX's is a problem unless its entry says `other_partition: true`.
 */
export function buildAccounts (arnPrefix: string, entries: Map<string, AccountEntry>, problems: string[]): Accounts {
  const defaultAlias = [...entries].find(([, entry]) => entry.prefix === arnPrefix)?.[0]
  const home = accountOf(arnPrefix, defaultAlias, true)
  const all = [home]
  for (const [alias, entry] of entries) {
    if (entry.prefix === arnPrefix) continue
    const account = accountOf(entry.prefix, alias, false)
    if (account.partition !== home.partition && !entry.otherPartition) {
      problems.push(`accounts.${alias}: ${entry.prefix} is in partition ${account.partition}, ARN_PREFIX in ` +
        `${home.partition}; add other_partition: true if that is deliberate`)
    }
    all.push(account)
  }
  const byAlias = new Map(all.flatMap((a) => a.alias === undefined ? [] : [[a.alias, a] as const]))
  return {
    default: home,
    all,
    resolve: (segment) => byAlias.get(segment) ?? (ACCOUNT_ID.test(segment)
      ? all.find((a) => a.id === segment)
      : undefined)
  }
}
