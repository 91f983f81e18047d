import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import type { StsLike } from './assume-role.js'

/** When getSigninToken gets SessionDuration; AWS refuses it for role-chained credentials. */
export type SessionDurationRule = 'auto' | 'always' | 'never'

const ASSUMED_ROLE = /^arn:[\w-]+:sts::\d{12}:assumed-role\//

/**
 * Whether getSigninToken may get SessionDuration. AWS refuses it for credentials from role
 * chaining, which ro2key's credentials are whenever ro2key itself runs as a role (instance
 * profile, ECS task role, IRSA). 'auto' asks STS GetCallerIdentity (no permission needed)
 * once; when that fails the answer is no, which is always safe: without SessionDuration the
 * console session lasts as long as the credentials.
 */
export function createSessionDurationCheck (rule: SessionDurationRule, sts: StsLike): () => Promise<boolean> {
  let chained: Promise<boolean> | undefined
  return async () => {
    if (rule !== 'auto') return rule === 'always'
    chained ??= sts.send(new GetCallerIdentityCommand({})).then((out) => ASSUMED_ROLE.test(out.Arn ?? ''))
    try {
      return !(await chained)
    } catch {
      chained = undefined
      return false
    }
  }
}
