import type { FastifyReply, FastifyRequest } from 'fastify'
import type { components, operations } from '../api/schema.js'
import { assumeRole, type StsLike } from '../aws/sts.js'
import type { Config } from '../config.js'
import { AppError } from '../errors.js'
import type { Denied } from '../policy/decide.js'
import { assumeRoleInput } from '../aws/attribution.js'
import { authorize } from '../policy/authorize.js'
import type { RoleTags } from '../policy/role-tags.js'

type Params = operations['getKey']['parameters']['path']
type Query = NonNullable<operations['getKey']['parameters']['query']>
type Credentials = components['schemas']['Credentials']
export type GetKeyRequest = FastifyRequest<{ Params: Params, Querystring: Query }>

function denial (denied: Denied, roleName: string): AppError {
  switch (denied.reason) {
    case 'duration-above-cap':
      return new AppError('RO2KEY_DURATION_ABOVE_CAP', {
        detail: `duration is above ${denied.cap} seconds, the most your team may request for ${roleName}`
      })
    case 'no-team':
      return new AppError('RO2KEY_ROLE_NOT_ALLOWED', {
        detail: 'Your token names no team and the policy lists no team for your uid'
      })
    case 'role-not-allowed':
      return new AppError('RO2KEY_ROLE_NOT_ALLOWED', {
        detail: `None of your teams (${denied.teams.join(', ')}) may use role ${roleName}`
      })
  }
}

/** GET /get_key/{role_name}: authorize, assume the role, answer with every client's credential shape. */
export function createGetKey (config: Config, sts: StsLike, roleTags?: RoleTags) {
  return async function getKey (request: GetKeyRequest, reply: FastifyReply): Promise<Credentials> {
    const principal = request.principal
    if (!principal) throw new AppError('RO2KEY_INTERNAL', { detail: 'no principal' })
    const roleName = request.params.role_name
    const decision = await authorize(principal, { roleName, duration: request.query.duration }, config.policy, config.arnPrefix, roleTags)
    if (!decision.allowed) {
      request.log.info({ audit: { event: 'denied', uid: principal.uid, teams: decision.teams, role: roleName, reason: decision.reason } }, 'request denied')
      throw denial(decision, roleName)
    }
    const input = assumeRoleInput(decision, principal, config)
    const vended = await assumeRole(sts, input)
    const expiration = vended.expiration.toISOString()
    request.log.info({
      audit: {
        event: 'issued',
        uid: principal.uid,
        realm: principal.realm,
        teams: decision.teams,
        role: roleName,
        roleArn: decision.roleArn,
        sessionName: decision.sessionName,
        duration: decision.duration,
        sourceIdentity: input.sourceIdentity,
        sessionTags: input.tags?.map((tag) => tag.key),
        accessKeyId: vended.accessKeyId,
        expiration
      }
    }, 'credentials issued')
    reply.header('cache-control', 'no-store')
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
