import type { FastifyReply, FastifyRequest } from 'fastify'
import type { components, operations } from '../api/schema.js'
import type { Federation } from '../aws/federation.js'
import { consoleDestination } from '../aws/partitions.js'
import { createSessionDurationCheck } from '../aws/role-chaining.js'
import { assumeRole, type StsLike } from '../aws/assume-role.js'
import type { Config } from '../config/index.js'
import { AppError } from '../errors.js'
import type { RoleTags } from '../policy/role-tags.js'
import { authorizeRequest, grantAudit } from './shared/authorize-request.js'
import { consoleIssuer } from './shared/console-issuer.js'

type Params = operations['getConsole']['parameters']['path']
type Query = NonNullable<operations['getConsole']['parameters']['query']>
type ConsoleSession = components['schemas']['ConsoleSession']
export type GetConsoleRequest = FastifyRequest<{ Params: Params, Querystring: Query }>

/** GET /console/{role_name}: the /get_key authorization, then an AWS console sign-in URL (JSON or 302). */
export function createGetConsole (config: Config, sts: StsLike, federation: Federation, roleTags?: RoleTags) {
  const mayRequestSessionDuration = createSessionDurationCheck(config.console.sessionDuration, sts)
  return async function getConsole (
    request: GetConsoleRequest, reply: FastifyReply
  ): Promise<ConsoleSession | FastifyReply> {
    const roleName = request.params.role_name
    const checked = consoleDestination(request.query.destination, config.partition)
    if (!checked.ok) throw new AppError('RO2KEY_DESTINATION_NOT_ALLOWED', { detail: checked.detail })
    const destination = checked.url
    const authorized = await authorizeRequest(request, config, roleTags, roleName, request.query.duration, {
      via: 'console'
    })
    const vended = await assumeRole(sts, authorized.input)
    const sessionDuration = await mayRequestSessionDuration() ? authorized.decision.duration : undefined
    const signinToken = await federation.signinToken(vended, sessionDuration)
    const issuer = consoleIssuer(config.console.issuer, request.protocol, request.headers.host && request.host)
    const url = federation.loginUrl({ signinToken, issuer, destination })
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
