import { createHash } from 'node:crypto'
import { MAX_SESSION_NAME, MIN_SESSION_NAME } from '../aws/sts-rules.js'

const NOT_ALLOWED = /[^\w+=,.@-]/g
const HASH_CHARS = 8

/**
 * The caller's uid as an STS RoleSessionName ([\w+=,.@-], 2-64 chars), so CloudTrail shows
 * who acted. A uid that already fits is used as is; otherwise the cleaned uid gets a short
 * hash of the original appended, so two different uids never share a session name.
 */
export function sessionNameFor (uid: string): string {
  const cleaned = uid.replace(NOT_ALLOWED, '-')
  if (cleaned === uid && uid.length >= MIN_SESSION_NAME && uid.length <= MAX_SESSION_NAME) return uid
  const hash = createHash('sha256').update(uid).digest('hex').slice(0, HASH_CHARS)
  const head = cleaned.slice(0, MAX_SESSION_NAME - HASH_CHARS - 1)
  return head === '' ? `u-${hash}` : `${head}-${hash}`
}
