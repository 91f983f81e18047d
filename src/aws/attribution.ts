import type { Principal } from '../auth/principal.js'
import { mfaProven } from '../policy/auth-strength.js'
import type { Allowed } from '../policy/decide.js'
import { injectiveName } from '../policy/injective-name.js'
import { sessionNameFor } from '../policy/session-name.js'
import type { AssumeRoleInput, SessionTag } from './assume-role.js'

export interface AttributionOptions {
  sourceIdentity: boolean
  sessionTags: boolean
  transitiveTags: boolean
}

/** Session tag keys ro2key sets (ABAC: aws:PrincipalTag/ro2key:team). */
export const TAG_UID = 'ro2key:uid'
export const TAG_TEAM = 'ro2key:team'
export const TAG_REALM = 'ro2key:realm'
/** issue 16: whether the token proved MFA, and its amr values joined with + */
export const TAG_MFA = 'ro2key:mfa'
export const TAG_AMR = 'ro2key:amr'

/** STS session tag values: up to 256 of letters, digits, spaces and _.:/=+-@. */
const MAX_TAG_VALUE = 256
const TAG_CHAR = /^[\p{L}\p{Z}\p{N}_.:/+\-@]$/u

/** A value STS accepts as a session tag value; two raw values never share one (injectiveName). */
export function tagValue (raw: string): string {
  return injectiveName(raw, { allowed: TAG_CHAR, min: 0, max: MAX_TAG_VALUE })
}

function sessionTags (decision: Allowed, principal: Principal): SessionTag[] {
  const tags: SessionTag[] = [{ key: TAG_UID, value: tagValue(principal.uid) }]
  const team = decision.teams[0]
  if (team !== undefined) tags.push({ key: TAG_TEAM, value: tagValue(team) })
  if (principal.realm !== undefined) tags.push({ key: TAG_REALM, value: tagValue(principal.realm) })
  tags.push({ key: TAG_MFA, value: String(mfaProven(principal)) })
  if (principal.amr !== undefined) tags.push({ key: TAG_AMR, value: tagValue(principal.amr.join('+')) })
  return tags
}

/** Everything that shapes the AssumeRole call; SourceIdentity and tags only when switched on. */
export function assumeRoleInput (decision: Allowed, principal: Principal, opts: AttributionOptions): AssumeRoleInput {
  const { roleArn, sessionName, duration } = decision
  const input: AssumeRoleInput = { roleArn, sessionName, duration }
  // SourceIdentity has the session name's rules (2-64 of [\w+=,.@-], so never "aws:…").
  if (opts.sourceIdentity) input.sourceIdentity = sessionNameFor(principal.uid)
  if (opts.sessionTags) {
    input.tags = sessionTags(decision, principal)
    if (opts.transitiveTags) input.transitiveTagKeys = input.tags.map((tag) => tag.key)
  }
  return input
}
