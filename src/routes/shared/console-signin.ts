import type { FastifyRequest } from 'fastify'
import type { Federation } from '../../aws/federation.js'
import { consoleDestination, type Partition } from '../../aws/partitions.js'
import { createSessionDurationCheck } from '../../aws/role-chaining.js'
import { assumeRole, type StsLike } from '../../aws/assume-role.js'
import type { Config } from '../../config/index.js'
import { AppError } from '../../errors.js'
import { systemClock, type Clock } from '../../lib/clock.js'
import type { RoleTagsIn } from '../../policy/account-role-tags.js'
import type { RoleTags } from '../../policy/role-tags.js'
import { accountOf } from './account.js'
import { authorizeRequest, grantAudit } from './authorize-request.js'
import { consoleIssuer } from './console-issuer.js'

export interface ConsoleSignInInput {
  roleName: string
  destination: string | undefined
  duration: number | undefined
  /** the {account} segment (alias or id); undefined = ARN_PREFIX's account */
  account?: string | undefined
  /** extra fields of the audit lines (e.g. via: 'web') */
  audit?: Record<string, unknown>
}

/** Per-partition clients (issue 17); without them every account uses the ARN_PREFIX partition's. */
export interface PartitionClients {
  stsFor: (partition: Partition) => StsLike
  federationFor: (partition: Partition) => Federation
  roleTagsIn: RoleTagsIn
}

/**
 * The one console sign-in of GET /console and the web page: check the destination, authorize
 * request.principal like /get_key, assume the role, get a SigninToken, audit; returns the login URL.
 */
export function createConsoleSignIn (
  config: Config, sts: StsLike, federation: Federation, roleTags?: RoleTags, clients?: PartitionClients,
  now: Clock = systemClock
) {
  const mayRequestSessionDuration = createSessionDurationCheck(config.console.sessionDuration, sts)
  return async function consoleSignIn (
    request: FastifyRequest,
    { roleName, destination: wanted, duration, account: segment, audit = {} }: ConsoleSignInInput
  ): Promise<{ url: string, expiration: string }> {
    const account = accountOf(config, segment)
    const { partition } = account
    const checked = consoleDestination(wanted, partition)
    if (!checked.ok) throw new AppError('RO2KEY_DESTINATION_NOT_ALLOWED', { detail: checked.detail })
    const destination = checked.url
    const tags = account.isDefault ? roleTags : clients?.roleTagsIn(account)
    const authorized = await authorizeRequest(request, config, tags, roleName, duration, {
      via: 'console', ...audit
    }, now, account)
    const home = partition === config.partition
    const vended = await assumeRole(home ? sts : clients?.stsFor(partition) ?? sts, authorized.input)
    const sessionDuration = await mayRequestSessionDuration() ? authorized.decision.duration : undefined
    const signer = home ? federation : clients?.federationFor(partition) ?? federation
    const signinToken = await signer.signinToken(vended, sessionDuration)
    const issuer = consoleIssuer(config.console.issuer, request.protocol, request.headers.host && request.host)
    const url = signer.loginUrl({ signinToken, issuer, destination })
    const expiration = vended.expiration.toISOString()
    request.log.info({
      audit: {
        event: 'console',
        ...grantAudit(authorized, roleName),
        sessionDuration: sessionDuration ?? null,
        destination,
        accessKeyId: vended.accessKeyId,
        expiration,
        ...audit
      }
    }, 'console sign-in issued')
    return { url, expiration }
  }
}
