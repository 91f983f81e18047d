import type { FastifyReply, FastifyRequest } from 'fastify'
import type { components, operations } from '../api/schema.js'
import type { CredentialCache } from '../aws/credential-cache.js'
import type { Config } from '../config/index.js'
import type { Clock } from '../lib/clock.js'
import type { RoleTagsIn } from '../policy/account-role-tags.js'
import type { RoleTags } from '../policy/role-tags.js'
import { formatCredentials } from './shared/format-env.js'
import { createIssueCredentials } from './shared/issue-credentials.js'

/** /get_key/{role_name}, or /get_key/{account}/{role_name} (issue 17) */
type Params = operations['getKey']['parameters']['path'] & { account?: string }
type Query = NonNullable<operations['getKey']['parameters']['query']>
type Credentials = components['schemas']['Credentials']
export type GetKeyRequest = FastifyRequest<{ Params: Params, Querystring: Query }>

/** GET /get_key/{role_name}: authorize, assume the role, answer with every client's credential shape. */
export function createGetKey (
  config: Config, credentials: CredentialCache, roleTags?: RoleTags, roleTagsIn?: RoleTagsIn, now?: Clock
) {
  const issueCredentials = createIssueCredentials(config, credentials, roleTags, roleTagsIn, now)
  return async function getKey (request: GetKeyRequest, reply: FastifyReply): Promise<Credentials | string> {
    const { role_name: roleName, account } = request.params
    const issued = await issueCredentials(request, roleName, request.query.duration, {}, account)
    reply.header('cache-control', 'no-store')
    return formatCredentials(request.query.format, issued, reply)
  }
}
