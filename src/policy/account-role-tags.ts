import { assumeRole, type StsLike } from '../aws/assume-role.js'
import { AppError } from '../errors.js'
import { createCoalescingCache } from '../lib/coalescing-cache.js'
import { wholeSeconds, type Clock } from '../lib/clock.js'
import type { Account } from './accounts.js'
import { createRoleTags, type IamLike, type RoleTags } from './role-tags.js'

/** Temporary credentials as the AWS SDK's credential providers return them. */
export interface AwsCredentialIdentity {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  expiration?: Date
}

/** Role tags per account: ARN_PREFIX's with ro2key's own IAM client, others through the reader role. */
export type RoleTagsIn = (account: Account) => RoleTags | undefined

export interface AccountRoleTagsOptions {
  /** the default account's role tags (undefined when ROLE_TEAMS_TAG is unset) */
  home: RoleTags | undefined
  /** ROLE_TAGS_READER_ROLE; undefined = tags are read in the default account only */
  readerRole: string | undefined
  tagKey: string | undefined
  ttl: number
  stsFor: (account: Account) => StsLike
  /** an IAM client for the account that signs with these (refreshing) credentials */
  iamWith: (account: Account, credentials: () => Promise<AwsCredentialIdentity>) => IamLike
  now: Clock
}

/** Reader credentials are renewed this long before they expire. */
const RENEW_BEFORE_SECONDS = 300
const READER_SESSION = 'ro2key-role-tags'
const READER_DURATION = 3600

/** The ARN of the reader role in an account: same partition and id, the role name at the root path. */
export function readerRoleArn (account: Account, readerRole: string): string {
  return `arn:${account.partition}:iam::${account.id}:role/${readerRole}`
}

/** A refused reader AssumeRole is a 502 naming the set-up to fix; throttling and outages stay as they are. */
function readerRefused (err: unknown, accountName: string): unknown {
  if (!(err instanceof AppError) || err.statusCode >= 500) return err
  return new AppError('RO2KEY_UPSTREAM_BAD_RESPONSE', {
    cause: err,
    detail: `ro2key may not assume its role-tags reader role in account ${accountName}; the operator has been told`
  })
}

/** RoleTags for any account: the home one as is; others (one each, cached) through ROLE_TAGS_READER_ROLE. */
export function createAccountRoleTags (opts: AccountRoleTagsOptions): RoleTagsIn {
  const now = wholeSeconds(opts.now)
  const creds = createCoalescingCache<AwsCredentialIdentity>({
    max: 1000,
    now,
    keepUntil: (c) => Math.floor((c.expiration?.getTime() ?? 0) / 1000) - RENEW_BEFORE_SECONDS
  })
  const byPrefix = new Map<string, RoleTags>()
  return (account) => {
    if (account.isDefault) return opts.home
    const { readerRole, tagKey } = opts
    if (readerRole === undefined || tagKey === undefined || opts.home === undefined) return undefined
    let tags = byPrefix.get(account.prefix)
    if (tags === undefined) {
      const roleArn = readerRoleArn(account, readerRole)
      const credentials = async (): Promise<AwsCredentialIdentity> => await creds.get(roleArn, async () => {
        const input = { roleArn, sessionName: READER_SESSION, duration: READER_DURATION }
        const v = await assumeRole(opts.stsFor(account), input)
        const { accessKeyId, secretAccessKey, sessionToken, expiration } = v
        return { accessKeyId, secretAccessKey, sessionToken, expiration }
      })
      const inner = createRoleTags({
        iam: opts.iamWith(account, credentials),
        tagKey,
        ttl: opts.ttl,
        arnPrefix: account.prefix,
        now: opts.now
      })
      // The reader session first (cached): its refusal is the operator's set-up, not IAM being down.
      const name = account.alias ?? account.id
      const ready = async (): Promise<void> => {
        await credentials().catch((err) => { throw readerRefused(err, name) })
      }
      tags = {
        teamsFor: async (roleName) => { await ready(); return await inner.teamsFor(roleName) },
        list: async () => { await ready(); return await inner.list() },
        requiresMfa: async (roleName) => { await ready(); return await inner.requiresMfa(roleName) }
      }
      byPrefix.set(account.prefix, tags)
    }
    return tags
  }
}
