import type { Policy } from '../policy/policy-file.js'
import { problem } from './read.js'
import type { TokenVerifiers } from './tokens.js'

const AT = 'POLICY_FILE'

/**
 * Plain `members` entries name a uid without saying who vouches for it: refused at boot when
 * they could mean several identity sources (issue 20: a JWT client_id or a uid picked in another
 * tokeninfo realm inherited a robot's teams). docs/authorization.md shows how to scope them.
 */
export function checkMembersScope (policy: Policy | undefined, verifiers: TokenVerifiers, problems: string[]): void {
  if (!policy || policy.members.size === 0) return
  const sources = [
    verifiers.tokeninfoUrl && 'tokeninfo', verifiers.introspection && 'introspection', verifiers.jwt && 'jwt'
  ].filter((s): s is string => typeof s === 'string')
  if (sources.length > 1) {
    problems.push(problem(`policy members: ${sources.join(', ')} are all configured, so a plain uid could come ` +
      `from any of them; move the entries under members_of, keyed by ${sources.join(' / ')} ` +
      '(tokeninfo:REALM for a tokeninfo realm)', AT))
  } else if (sources[0] === 'tokeninfo' && policy.membersRealm === undefined) {
    problems.push(problem('policy members with TOKENINFO_URL: a uid can be picked in any tokeninfo realm; ' +
      'add members_realm: /services (the realm these uids belong to; "" when tokeninfo sends no realm), ' +
      'or move the entries under members_of: { "tokeninfo:/services": ... }', AT))
  }
}
