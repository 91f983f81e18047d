import type { FastifyReply, FastifyRequest } from 'fastify'
import type { components, operations } from '../api/schema.js'
import type { CredentialCache } from '../aws/credential-cache.js'
import type { Config } from '../config/index.js'
import type { RoleTags } from '../policy/role-tags.js'
import { formatCredentials } from './shared/format-env.js'
import { createIssueCredentials } from './shared/issue-credentials.js'

type Params = operations['getKey']['parameters']['path']
type Query = NonNullable<operations['getKey']['parameters']['query']>
type Credentials = components['schemas']['Credentials']
export type GetKeyRequest = FastifyRequest<{ Params: Params, Querystring: Query }>

/** GET /get_key/{role_name}: authorize, assume the role, answer with every client's credential shape. */
export function createGetKey (config: Config, credentials: CredentialCache, roleTags?: RoleTags) {
  const issueCredentials = createIssueCredentials(config, credentials, roleTags)
  return async function getKey (request: GetKeyRequest, reply: FastifyReply): Promise<Credentials | string> {
    const issued = await issueCredentials(request, request.params.role_name, request.query.duration)
    reply.header('cache-control', 'no-store')
    return formatCredentials(request.query.format, issued, reply)
  }
}
