import type { FastifyRequest } from 'fastify'
import type { Federation } from '../../aws/federation.js'
import { consoleDestination } from '../../aws/partitions.js'
import { createSessionDurationCheck } from '../../aws/role-chaining.js'
import { assumeRole, type StsLike } from '../../aws/assume-role.js'
import type { Config } from '../../config/index.js'
import { AppError } from '../../errors.js'
import type { RoleTags } from '../../policy/role-tags.js'
import { authorizeRequest, grantAudit } from './authorize-request.js'

export interface ConsoleSignInInput {
  roleName: string
  destination: string | undefined
  duration: number | undefined
  /** extra fields of the audit lines (e.g. via: 'web') */
  audit?: Record<string, unknown>
}

/**
 * The one console sign-in of GET /console and the web page: check the destination, authorize
 * request.principal like /get_key, assume the role, get a SigninToken, audit; returns the login URL.
 */
export function createConsoleSignIn (config: Config, sts: StsLike, federation: Federation, roleTags?: RoleTags) {
  const mayRequestSessionDuration = createSessionDurationCheck(config.console.sessionDuration, sts)
  return async function consoleSignIn (
    request: FastifyRequest, { roleName, destination: wanted, duration, audit = {} }: ConsoleSignInInput
  ): Promise<{ url: string, expiration: string }> {
    const checked = consoleDestination(wanted, config.partition)
    if (!checked.ok) throw new AppError('RO2KEY_DESTINATION_NOT_ALLOWED', { detail: checked.detail })
    const destination = checked.url
    const authorized = await authorizeRequest(request, config, roleTags, roleName, duration, {
      via: 'console', ...audit
    })
    const vended = await assumeRole(sts, authorized.input)
    const sessionDuration = await mayRequestSessionDuration() ? authorized.decision.duration : undefined
    const signinToken = await federation.signinToken(vended, sessionDuration)
    const issuer = config.console.issuer ?? `${request.protocol}://${request.host}`
    const url = federation.loginUrl({ signinToken, issuer, destination })
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
