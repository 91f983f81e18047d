import type { IAMClient } from '@aws-sdk/client-iam'
import type { FastifyRequest } from 'fastify'
import type { Principal } from '../auth/principal.js'
import { isNoSuchEntity, mapIamError, type AwsErrorShape } from '../aws/aws-errors.js'
import { iamSdk } from '../aws/lazy-sdk.js'
import { AppError } from '../errors.js'
import { teamsOf } from '../policy/decide.js'
import type { Policy } from '../policy/policy-file.js'

/** The IAM calls of the IAM-user features (issue 15); the real IAMClient by default. */
export type UsersIamLike = Pick<IAMClient, 'send'>

/** IAM's user name rule: 1-64 of `[\w+=,.@-]`. */
export const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/

/** The caller's IAM user name, when one of its teams may use IAM-user features (pure; no IAM call). */
export function iamUserOf (principal: Principal, policy: Policy): string | undefined {
  const iamUsers = policy.iamUsers
  if (iamUsers === undefined) return undefined
  const teams = teamsOf(principal, policy)
  if (!iamUsers.teams.some((team) => teams.includes(team))) return undefined
  return iamUsers.name.replaceAll('{uid}', principal.uid)
}

/** The verified caller and its own IAM user, as IAM knows it. */
export interface Caller {
  principal: Principal
  /** the IAM user name (iam_users.name with {uid} filled in) */
  userName: string
  userArn: string
  /** the user's IAM path, e.g. `/` or `/people/` */
  userPath: string
}

const noIamUser = (detail: string): AppError => new AppError('RO2KEY_NO_IAM_USER', { detail })

/** The verified principal of a request (set by app.authenticate or the web session), else a 500. */
export function principalOf (request: FastifyRequest): Principal {
  const principal = request.principal
  if (!principal) throw new AppError('RO2KEY_INTERNAL', { detail: 'no principal' })
  return principal
}

/**
 * The caller's IAM user name from the policy alone: 404 RO2KEY_NO_IAM_USER when the policy has no
 * iam_users section (or the uid makes no valid IAM user name), 403 RO2KEY_IAM_USERS_FORBIDDEN when
 * none of the caller's teams is listed under iam_users.teams.
 */
export function callerUserName (principal: Principal, policy: Policy): string {
  if (policy.iamUsers === undefined) throw noIamUser('this ro2key serves no IAM users (no iam_users in the policy)')
  const user = iamUserOf(principal, policy)
  if (user === undefined) {
    throw new AppError('RO2KEY_IAM_USERS_FORBIDDEN', {
      detail: 'None of your teams is listed under iam_users.teams'
    })
  }
  if (!IAM_USER_NAME.test(user)) throw noIamUser('your uid does not make a valid IAM user name')
  return user
}

/** The caller's own IAM user (iam:GetUser): 404 RO2KEY_NO_IAM_USER when IAM has no such user. */
export async function resolveCaller (principal: Principal, policy: Policy, iam: UsersIamLike): Promise<Caller> {
  const userName = callerUserName(principal, policy)
  try {
    const { GetUserCommand } = await iamSdk()
    const { User } = await iam.send(new GetUserCommand({ UserName: userName }))
    if (User?.Arn === undefined) throw noIamUser(`IAM has no user ${userName}`)
    return { principal, userName, userArn: User.Arn, userPath: User.Path ?? '/' }
  } catch (err) {
    if (err instanceof AppError) throw err
    if (isNoSuchEntity(err as AwsErrorShape)) throw noIamUser(`IAM has no user ${userName}`)
    throw mapIamError(err as AwsErrorShape & Error, 'GetUser')
  }
}

/** resolveCaller for a request whose principal is verified (bearer token on the API, session on the web page). */
export async function callerOf (request: FastifyRequest, policy: Policy, iam: UsersIamLike): Promise<Caller> {
  return await resolveCaller(principalOf(request), policy, iam)
}
