import type { FastifyReply, FastifyRequest } from 'fastify'
import type { components, operations } from '../api/schema.js'
import type { CredentialCache } from '../aws/credential-cache.js'
import { identityKey } from '../auth/principal.js'
import type { Config } from '../config/index.js'
import type { RoleTags } from '../policy/role-tags.js'
import { authorizeRequest, grantAudit } from './shared/authorize-request.js'
import { formatCredentials } from './shared/format-env.js'

type Params = operations['getKey']['parameters']['path']
type Query = NonNullable<operations['getKey']['parameters']['query']>
type Credentials = components['schemas']['Credentials']
export type GetKeyRequest = FastifyRequest<{ Params: Params, Querystring: Query }>

/** GET /get_key/{role_name}: authorize, assume the role, answer with every client's credential shape. */
export function createGetKey (config: Config, credentials: CredentialCache, roleTags?: RoleTags) {
  return async function getKey (request: GetKeyRequest, reply: FastifyReply): Promise<Credentials | string> {
    const roleName = request.params.role_name
    const authorized = await authorizeRequest(request, config, roleTags, roleName, request.query.duration)
    const { vended, cached } = await credentials.get(authorized.input, identityKey(authorized.principal))
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
    request.server.metrics.credentialIssued(roleName, authorized.decision.teams)
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
