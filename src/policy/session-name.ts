import { MAX_SESSION_NAME, MIN_SESSION_NAME } from '../aws/sts-rules.js'
import { injectiveName } from './injective-name.js'

/** Characters of an STS RoleSessionName or SourceIdentity ([\w+=,.@-]), `=` aside: it escapes. */
const SESSION_CHAR = /^[\w+,.@-]$/

/**
 * The caller's uid as an STS RoleSessionName (and SourceIdentity), so CloudTrail shows who
 * acted: a uid that already fits and holds no `=` is used as is; any other is escaped
 * reversibly, and hashed only when 64 characters cannot hold it. Two uids never share a name.
 */
export function sessionNameFor (uid: string): string {
  return injectiveName(uid, { allowed: SESSION_CHAR, min: MIN_SESSION_NAME, max: MAX_SESSION_NAME })
}
