import { problem, readInt, readString, type Env } from './read.js'
import { VARIABLES as V } from './variables.js'

/** The roles that mimic an IAM user (issue 15): name prefix, IAM path, lifetime after the last use. */
export interface MimicConfig {
  prefix: string
  path: string
  /** seconds a role lives after its last use */
  ttl: number
}

const PREFIX = /^[\w+=,.@-]{1,32}$/
/** IAM's path rule: `/`, or `/` + segments each ending in `/`, 1-512 printable ASCII characters. */
const PATH = /^\/(?:[\x21-\x2e\x30-\x7e]+\/)*$/

/** MIMIC_ROLE_PREFIX, MIMIC_ROLE_PATH, MIMIC_ROLE_TTL. */
export function readMimic (env: Env, problems: string[]): MimicConfig {
  const prefix = readString(env, V.MIMIC_ROLE_PREFIX)
  const path = readString(env, V.MIMIC_ROLE_PATH)
  if (!PREFIX.test(prefix)) {
    problems.push(problem(`MIMIC_ROLE_PREFIX must be 1-32 of [A-Za-z0-9_+=,.@-], got "${prefix}"`, 'MIMIC_ROLE_PREFIX'))
  }
  if (path.length > 512 || !PATH.test(path)) {
    problems.push(problem(`MIMIC_ROLE_PATH must be / or /name/.../, got "${path}"`, 'MIMIC_ROLE_PATH'))
  }
  return { prefix, path, ttl: readInt(env, V.MIMIC_ROLE_TTL, problems) }
}
