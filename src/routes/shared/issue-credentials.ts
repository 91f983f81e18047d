import type { FastifyRequest } from 'fastify'
import type { components } from '../../api/schema.js'
import { identityKey } from '../../auth/principal.js'
import type { CredentialCache } from '../../aws/credential-cache.js'
import type { Config } from '../../config/index.js'
import { systemClock, type Clock } from '../../lib/clock.js'
import type { RoleTagsIn } from '../../policy/account-role-tags.js'
import type { RoleTags } from '../../policy/role-tags.js'
import { accountOf, roleLabel } from './account.js'
import { authorizeRequest, grantAudit } from './authorize-request.js'

type Credentials = components['schemas']['Credentials']

/**
 * The one credential issue of GET /get_key and the web page: authorize request.principal,
 * assume the role through the credential cache, audit and count; returns every client's shape.
 */
export function createIssueCredentials (
  config: Config, credentials: CredentialCache, roleTags?: RoleTags, roleTagsIn?: RoleTagsIn,
  now: Clock = systemClock
) {
  return async function issueCredentials (
    request: FastifyRequest, roleName: string, duration: number | undefined, audit: Record<string, unknown> = {},
    segment?: string
  ): Promise<Credentials> {
    const account = accountOf(config, segment)
    const tags = account.isDefault ? roleTags : roleTagsIn?.(account)
    const authorized = await authorizeRequest(request, config, tags, roleName, duration, audit, now, account)
    const { vended, cached } = await credentials.get(authorized.input, identityKey(authorized.principal))
    const expiration = vended.expiration.toISOString()
    request.log.info({
      audit: {
        event: 'issued',
        ...grantAudit(authorized, roleName),
        accessKeyId: vended.accessKeyId,
        expiration,
        cached,
        ...audit
      }
    }, 'credentials issued')
    request.server.metrics.cacheLookup('credentials', cached)
    request.server.metrics.credentialIssued(roleLabel(account, roleName), authorized.decision.teams)
    return {
      Version: 1,
      AccessKeyId: vended.accessKeyId,
      SecretAccessKey: vended.secretAccessKey,
      SessionToken: vended.sessionToken,
      Token: vended.sessionToken,
      Expiration: expiration
    }
  }
}
