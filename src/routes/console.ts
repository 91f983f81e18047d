import type { FastifyReply, FastifyRequest } from 'fastify'
import type { components, operations } from '../api/schema.js'
import type { Federation } from '../aws/federation.js'
import { consoleDestination } from '../aws/partitions.js'
import { createSessionDurationCheck } from '../aws/role-chaining.js'
import { assumeRole, type StsLike } from '../aws/assume-role.js'
import type { Config } from '../config/index.js'
import { AppError } from '../errors.js'
import type { RoleTags } from '../policy/role-tags.js'
import { systemClock, type Clock } from '../lib/clock.js'
import type { Partition } from '../aws/partitions.js'
import type { RoleTagsIn } from '../policy/account-role-tags.js'
import { accountOf } from './shared/account.js'
import { authorizeRequest, grantAudit } from './shared/authorize-request.js'

/** /console/{role_name}, or /console/{account}/{role_name} (issue 17) */
type Params = operations['getConsole']['parameters']['path'] & { account?: string }
type Query = NonNullable<operations['getConsole']['parameters']['query']>
type ConsoleSession = components['schemas']['ConsoleSession']
export type GetConsoleRequest = FastifyRequest<{ Params: Params, Querystring: Query }>

/** GET /console/{role_name}: the /get_key authorization, then an AWS console sign-in URL (JSON or 302). */
/** Per-partition clients (issue 17); without them every account uses the ARN_PREFIX partition's. */
export interface PartitionClients {
  stsFor: (partition: Partition) => StsLike
  federationFor: (partition: Partition) => Federation
  roleTagsIn: RoleTagsIn
}

export function createGetConsole (
  config: Config, sts: StsLike, federation: Federation, roleTags?: RoleTags, clients?: PartitionClients,
  now: Clock = systemClock
) {
  const mayRequestSessionDuration = createSessionDurationCheck(config.console.sessionDuration, sts)
  return async function getConsole (
    request: GetConsoleRequest, reply: FastifyReply
  ): Promise<ConsoleSession | FastifyReply> {
    const roleName = request.params.role_name
    const account = accountOf(config, request.params.account)
    const { partition } = account
    const checked = consoleDestination(request.query.destination, partition)
    if (!checked.ok) throw new AppError('RO2KEY_DESTINATION_NOT_ALLOWED', { detail: checked.detail })
    const destination = checked.url
    const tags = account.isDefault ? roleTags : clients?.roleTagsIn(account)
    const authorized = await authorizeRequest(request, config, tags, roleName, request.query.duration, {
      via: 'console'
    }, now, account)
    const home = partition === config.partition
    const vended = await assumeRole(home ? sts : clients?.stsFor(partition) ?? sts, authorized.input)
    const sessionDuration = await mayRequestSessionDuration() ? authorized.decision.duration : undefined
    const signer = home ? federation : clients?.federationFor(partition) ?? federation
    const signinToken = await signer.signinToken(vended, sessionDuration)
    const issuer = config.console.issuer ?? `${request.protocol}://${request.host}`
    const url = signer.loginUrl({ signinToken, issuer, destination })
    const expiration = vended.expiration.toISOString()
    request.log.info({
      audit: {
        event: 'console',
        ...grantAudit(authorized, roleName),
        sessionDuration: sessionDuration ?? null,
        destination,
        accessKeyId: vended.accessKeyId,
        expiration
      }
    }, 'console sign-in issued')
    // The URL signs in whoever opens it: no cache may keep it.
    reply.header('cache-control', 'no-store')
    if (request.query.redirect) return reply.redirect(url, 302)
    return { url, expiration }
  }
}
