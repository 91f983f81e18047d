import { buildAccounts, type Accounts } from '../policy/accounts.js'
import type { Policy } from '../policy/policy-file.js'
import { problem, readString, type Env } from './read.js'
import { VARIABLES as V } from './variables.js'

/** A role name with an optional path, as IAM allows: [path/]name. */
const ROLE_NAME = /^([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/

/** The accounts ro2key serves (ARN_PREFIX + the policy's `accounts:`) and the role-tags reader role. */
export function readAccounts (
  env: Env, arnPrefix: string, policy: Policy | undefined, problems: string[]
): { accounts: Accounts, roleTagsReaderRole: string | undefined } {
  const found: string[] = []
  const accounts = buildAccounts(arnPrefix, policy?.accounts ?? new Map(), found)
  const source = readString(env, V.POLICY_FILE) !== undefined ? 'POLICY_FILE' : 'POLICY'
  for (const p of found) problems.push(problem(`${source}: ${p}`, source))
  const roleTagsReaderRole = readString(env, V.ROLE_TAGS_READER_ROLE)
  if (roleTagsReaderRole !== undefined && !ROLE_NAME.test(roleTagsReaderRole)) {
    const text = `ROLE_TAGS_READER_ROLE must be a role name (optionally path/name), got "${roleTagsReaderRole}"`
    problems.push(problem(text, 'ROLE_TAGS_READER_ROLE'))
  }
  return { accounts, roleTagsReaderRole }
}
