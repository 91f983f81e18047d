/**
 * Role patterns of the policy file, account-aware (issue 17):
 *   `S3MintReadOnly`  the default account (ARN_PREFIX) only
 *   `prod/S3Mint*`    the account the `accounts:` section calls `prod`
 *   `* /ReadOnly`     (no space) every listed account and the default
 * `*` in the name matches any run of role-name characters; everything else is literal.
 */
export type PatternAccount = { kind: 'default' } | { kind: 'alias', alias: string } | { kind: 'any' }

export interface RolePattern {
  /** the pattern as written, e.g. prod/S3Mint* */
  text: string
  account: PatternAccount
  /** the role-name part, e.g. S3Mint* */
  name: string
  regex: RegExp
}

/** The account a role is requested in: its alias (if the policy names one) and whether it is ARN_PREFIX's. */
export interface RoleTarget {
  accountAlias: string | undefined
  isDefault: boolean
  roleName: string
}

/** An account alias: lower-case letters, digits and hyphens, 1-32 characters, starting with a letter or digit. */
export const ALIAS = /^[a-z0-9][a-z0-9-]{0,31}$/
/** Characters of an IAM role name, plus `*` in patterns. */
const NAME_PATTERN = /^[\w+=,.@*-]{1,64}$/

/** `*` matches any run of role-name characters; everything else is literal. */
export function compileName (name: string): RegExp {
  const body = name.split('*').map((part) => part.replace(/[.+]/g, '\\$&')).join('[\\w+=,.@-]*')
  return new RegExp(`^${body}$`)
}

/** Parses one pattern; undefined when it is not `NAME`, `alias/NAME` or `* /NAME` (no space). */
export function parseRolePattern (text: string): RolePattern | undefined {
  const slash = text.indexOf('/')
  const prefix = slash < 0 ? undefined : text.slice(0, slash)
  const name = slash < 0 ? text : text.slice(slash + 1)
  if (!NAME_PATTERN.test(name)) return undefined
  let account: PatternAccount
  if (prefix === undefined) account = { kind: 'default' }
  else if (prefix === '*') account = { kind: 'any' }
  else if (ALIAS.test(prefix)) account = { kind: 'alias', alias: prefix }
  else return undefined
  return { text, account, name, regex: compileName(name) }
}

/** Does the pattern grant this role in this account? */
export function matchesRole (pattern: RolePattern, target: RoleTarget): boolean {
  const { account } = pattern
  const inAccount = account.kind === 'any' ||
    (account.kind === 'default' ? target.isDefault : account.alias === target.accountAlias)
  return inAccount && pattern.regex.test(target.roleName)
}

/** The aliases a list of patterns names (to check each is defined under `accounts:`). */
export function aliasesOf (patterns: readonly RolePattern[]): string[] {
  return patterns.flatMap((p) => p.account.kind === 'alias' ? [p.account.alias] : [])
}
