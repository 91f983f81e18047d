import { assumeRole, type AssumeRoleInput, type StsLike, type Vended } from '../aws/assume-role.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'

/** IAM propagates a new role (and its trust policy) within seconds, rarely a minute: retry that long. */
export const PROPAGATION_SECONDS = 60
const FIRST_DELAY_SECONDS = 1
const MAX_DELAY_SECONDS = 16
/** what the 503 tells the client */
const RETRY_AFTER = '10'

export interface RetryDeps {
  /** seconds since the epoch */
  now: Clock
  sleep: (ms: number) => Promise<void>
}

/**
 * AssumeRole on a mimic role. AccessDenied within PROPAGATION_SECONDS of its copy is IAM still
 * propagating: retried with backoff (1, 2, 4, 8, 16 s) until then, and 503 with Retry-After after.
 * On an older role AccessDenied is a real refusal, answered as /get_key answers it.
 */
export async function assumeMimic (
  sts: StsLike, input: AssumeRoleInput, copiedAt: number, deps: RetryDeps
): Promise<Vended> {
  const deadline = copiedAt + PROPAGATION_SECONDS
  let delay = FIRST_DELAY_SECONDS
  for (let attempt = 1; ; attempt++) {
    try {
      return await assumeRole(sts, input)
    } catch (err) {
      const denied = err instanceof AppError && err.code === 'RO2KEY_AWS_ACCESS_DENIED'
      const now = deps.now()
      if (!denied || (attempt === 1 && now >= deadline)) throw err
      if (now >= deadline) {
        throw new AppError('RO2KEY_MIMIC_ROLE_NOT_READY', {
          cause: err,
          detail: `AWS still refuses AssumeRole on the new role after ${attempt} tries in ${PROPAGATION_SECONDS} s ` +
            '(IAM propagation); try again shortly',
          headers: { 'retry-after': RETRY_AFTER }
        })
      }
      await deps.sleep(Math.min(delay, deadline - now) * 1000)
      delay = Math.min(delay * 2, MAX_DELAY_SECONDS)
    }
  }
}
