import type { components } from '../../api/schema.js'
import type { Account, Accounts } from '../../policy/accounts.js'
import type { RolePattern } from '../../policy/role-pattern.js'

type RoleGrant = components['schemas']['RoleGrant']

/** The accounts a policy pattern reaches; [undefined] when the accounts are not known. */
export function accountsOfPattern (pattern: RolePattern, accounts: Accounts | undefined): Array<Account | undefined> {
  if (accounts === undefined) return [undefined]
  const { account } = pattern
  if (account.kind === 'any') return accounts.all
  if (account.kind === 'default') return [accounts.default]
  return accounts.all.filter((a) => a.alias === account.alias)
}

/** A /roles entry with its account's alias (null when it has none) and id. */
export function inAccount (grant: RoleGrant, account: Account | undefined): RoleGrant {
  return account === undefined ? grant : { ...grant, account: account.alias ?? null, account_id: account.id }
}
