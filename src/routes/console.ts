import type { FastifyReply, FastifyRequest } from 'fastify'
import type { components, operations } from '../api/schema.js'
import type { Federation } from '../aws/federation.js'
import type { StsLike } from '../aws/assume-role.js'
import type { Config } from '../config/index.js'
import type { Clock } from '../lib/clock.js'
import type { RoleTags } from '../policy/role-tags.js'
import { createConsoleSignIn, type PartitionClients } from './shared/console-signin.js'

/** /console/{role_name}, or /console/{account}/{role_name} (issue 17) */
type Params = operations['getConsole']['parameters']['path'] & { account?: string }
type Query = NonNullable<operations['getConsole']['parameters']['query']>
type ConsoleSession = components['schemas']['ConsoleSession']
export type GetConsoleRequest = FastifyRequest<{ Params: Params, Querystring: Query }>

/** GET /console/{role_name}: the /get_key authorization, then an AWS console sign-in URL (JSON or 302). */
export function createGetConsole (
  config: Config, sts: StsLike, federation: Federation, roleTags?: RoleTags, clients?: PartitionClients, now?: Clock
) {
  const consoleSignIn = createConsoleSignIn(config, sts, federation, roleTags, clients, now)
  return async function getConsole (
    request: GetConsoleRequest, reply: FastifyReply
  ): Promise<ConsoleSession | FastifyReply> {
    const { url, expiration } = await consoleSignIn(request, {
      roleName: request.params.role_name,
      destination: request.query.destination,
      duration: request.query.duration,
      account: request.params.account
    })
    // The URL signs in whoever opens it: no cache may keep it.
    reply.header('cache-control', 'no-store')
    if (request.query.redirect) return reply.redirect(url, 302)
    return { url, expiration }
  }
}
