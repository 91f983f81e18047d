import type { FastifyReply, FastifyRequest } from 'fastify'
import type { components, operations } from '../api/schema.js'
import type { CredentialCache } from '../aws/credential-cache.js'
import type { Config } from '../config/index.js'
import type { RoleTags } from '../policy/role-tags.js'
import { systemClock, type Clock } from '../lib/clock.js'
import type { RoleTagsIn } from '../policy/account-role-tags.js'
import { accountOf, roleLabel } from './shared/account.js'
import { authorizeRequest, grantAudit } from './shared/authorize-request.js'
import { formatCredentials } from './shared/format-env.js'

/** /get_key/{role_name}, or /get_key/{account}/{role_name} (issue 17) */
type Params = operations['getKey']['parameters']['path'] & { account?: string }
type Query = NonNullable<operations['getKey']['parameters']['query']>
type Credentials = components['schemas']['Credentials']
export type GetKeyRequest = FastifyRequest<{ Params: Params, Querystring: Query }>

/** GET /get_key/{role_name}: authorize, assume the role, answer with every client's credential shape. */
export function createGetKey (
  config: Config, credentials: CredentialCache, roleTags?: RoleTags, roleTagsIn?: RoleTagsIn,
  now: Clock = systemClock
) {
  return async function getKey (request: GetKeyRequest, reply: FastifyReply): Promise<Credentials | string> {
    const roleName = request.params.role_name
    const account = accountOf(config, request.params.account)
    const tags = account.isDefault ? roleTags : roleTagsIn?.(account)
    const authorized = await authorizeRequest(request, config, tags, roleName, request.query.duration, {}, now, account)
    const { vended, cached } = await credentials.get(authorized.input)
    const expiration = vended.expiration.toISOString()
    request.log.info({
      audit: {
        event: 'issued',
        ...grantAudit(authorized, roleName),
        accessKeyId: vended.accessKeyId,
        expiration,
        cached
      }
    }, 'credentials issued')
    request.server.metrics.cacheLookup('credentials', cached)
    request.server.metrics.credentialIssued(roleLabel(account, roleName), authorized.decision.teams)
    reply.header('cache-control', 'no-store')
    return formatCredentials(request.query.format, {
      Version: 1,
      AccessKeyId: vended.accessKeyId,
      SecretAccessKey: vended.secretAccessKey,
      SessionToken: vended.sessionToken,
      Token: vended.sessionToken,
      Expiration: expiration
    }, reply)
  }
}
