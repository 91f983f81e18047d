import { PARTITION_CONSOLE, type Partition } from '../aws/partitions.js'
import type { SessionDurationRule } from '../aws/role-chaining.js'
import { readEnum, readInt, readUrl, type Env } from './read.js'
import { VARIABLES as V } from './variables.js'

/** GET /console/{role_name}: the AWS federation endpoint and how the sign-in URL is built. */
export interface ConsoleConfig {
  federationUrl: string
  /** Issuer of the login URL: CONSOLE_ISSUER, else PUBLIC_URL; undefined = the request's own base URL */
  issuer: string | undefined
  timeoutMs: number
  sessionDuration: SessionDurationRule
}

/** The console federation settings; the endpoint defaults to the partition's. */
export function readConsole (
  env: Env, partition: Partition, publicUrl: string | undefined, problems: string[]
): ConsoleConfig {
  const sessionDuration = readEnum<SessionDurationRule>(env, V.CONSOLE_SESSION_DURATION, problems)
  return {
    federationUrl: readUrl(env, V.FEDERATION_URL, problems) ?? PARTITION_CONSOLE[partition].federationUrl,
    issuer: readUrl(env, V.CONSOLE_ISSUER, problems) ?? publicUrl,
    timeoutMs: readInt(env, V.FEDERATION_TIMEOUT_MS, problems),
    sessionDuration
  }
}
