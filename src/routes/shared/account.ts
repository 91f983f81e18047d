import type { Config } from '../../config/index.js'
import { AppError } from '../../errors.js'
import type { Account } from '../../policy/accounts.js'
import type { RoleTags } from '../../policy/role-tags.js'

/**
 * The account of /get_key/{account}/{role_name}: the segment's alias or id, ARN_PREFIX's when the
 * route has none. An unlisted account is 404 whether or not it exists in AWS (nothing is asked of AWS).
 */
export function accountOf (config: Config, segment: string | undefined): Account {
  if (segment === undefined) return config.accounts.default
  const account = config.accounts.resolve(segment)
  if (account === undefined) {
    throw new AppError('RO2KEY_UNKNOWN_ACCOUNT', {
      detail: `ro2key serves no account "${segment}": use an alias or id GET /roles lists`
    })
  }
  return account
}

/** How logs, metrics and messages name a role: `alias/Role` outside ARN_PREFIX's account, else `Role`. */
export function roleLabel (account: Account, roleName: string): string {
  return account.isDefault ? roleName : `${account.alias ?? account.id}/${roleName}`
}

/** Why role tags could not grant a role in another account (no ROLE_TAGS_READER_ROLE), else ''. */
export function tagsElsewhereHint (config: Config, account: Account, roleTags: RoleTags | undefined): string {
  if (account.isDefault || config.roleTeamsTag === undefined || roleTags !== undefined) return ''
  return '; role tags are read in the ARN_PREFIX account only (ROLE_TAGS_READER_ROLE is not set)'
}
