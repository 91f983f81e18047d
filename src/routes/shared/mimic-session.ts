import type { FastifyRequest } from 'fastify'
import type { Vended } from '../../aws/assume-role.js'
import { consoleDestination } from '../../aws/partitions.js'
import { createSessionDurationCheck } from '../../aws/role-chaining.js'
import { DEFAULT_DURATION } from '../../aws/sts-rules.js'
import type { Config } from '../../config/index.js'
import { AppError } from '../../errors.js'
import { assumeMimic } from '../../iam-users/assume-mimic.js'
import { callerOf, callerUserName, principalOf } from '../../iam-users/caller.js'
import type { MimicService } from '../../iam-users/create-mimic.js'
import { sessionNameFor } from '../../policy/session-name.js'
import type { Federation } from '../../aws/federation.js'
import type { StsLike } from '../../aws/assume-role.js'
import { consoleIssuer } from './console-issuer.js'

export interface MimicAsk {
  /** re-copy the user's permissions first (?recreate=true) */
  recreate?: boolean | undefined
  duration?: number | undefined
  /** the route, for the audit line */
  via: string
}

/**
 * The caller as its own IAM user: resolve the user (403/404), make or reuse the role that mimics
 * it, assume it (retrying while IAM propagates a new role), audit. For /me/credentials,
 * /api/assume-role and /me/console.
 */
export function createMimicSession (
  config: Config, mimic: MimicService | undefined, sts: StsLike, federation: Federation
) {
  const mayRequestSessionDuration = createSessionDurationCheck(config.console.sessionDuration, sts)

  async function vend (request: FastifyRequest, ask: MimicAsk): Promise<{ vended: Vended, audit: object }> {
    if (mimic === undefined) {
      callerUserName(principalOf(request), config.policy)
      throw new AppError('RO2KEY_NOT_FOUND', { detail: 'roles as the IAM user need STORE_TABLE (off here)' })
    }
    const caller = await callerOf(request, config.policy, mimic.iam)
    const role = await mimic.roles.ensure(caller.userName, ask.recreate === true)
    const sessionName = sessionNameFor(caller.principal.uid)
    const duration = ask.duration ?? DEFAULT_DURATION
    const vended = await assumeMimic(mimic.sts, { roleArn: role.arn, sessionName, duration }, role.copiedAt,
      mimic.retry)
    const audit = {
      uid: caller.principal.uid,
      iamUser: caller.userName,
      role: role.arn,
      sessionName,
      duration,
      accessKeyId: vended.accessKeyId,
      expiration: vended.expiration.toISOString(),
      via: ask.via
    }
    return { vended, audit }
  }

  return {
    /** Credentials of the mimic role (the caller's audit line says so). */
    async credentials (request: FastifyRequest, ask: MimicAsk): Promise<Vended> {
      const { vended, audit } = await vend(request, ask)
      request.log.info({ audit: { event: 'mimic-issued', ...audit } }, 'credentials issued as the IAM user')
      return vended
    },
    /** A console login URL for the mimic role; `destination` as /console/{role_name} checks it. */
    async console (
      request: FastifyRequest, ask: MimicAsk & { destination?: string | undefined }
    ): Promise<{ url: string, expiration: string }> {
      const checked = consoleDestination(ask.destination, config.partition)
      if (!checked.ok) throw new AppError('RO2KEY_DESTINATION_NOT_ALLOWED', { detail: checked.detail })
      const { vended, audit } = await vend(request, ask)
      const sessionDuration = await mayRequestSessionDuration() ? ask.duration ?? DEFAULT_DURATION : undefined
      const signinToken = await federation.signinToken(vended, sessionDuration)
      const issuer = consoleIssuer(config.console.issuer, request.protocol, request.headers.host && request.host)
      const url = federation.loginUrl({ signinToken, issuer, destination: checked.url })
      request.log.info({
        audit: { event: 'mimic-console', ...audit, destination: checked.url, sessionDuration: sessionDuration ?? null }
      }, 'console sign-in issued as the IAM user')
      return { url, expiration: vended.expiration.toISOString() }
    }
  }
}

export type MimicSession = ReturnType<typeof createMimicSession>
