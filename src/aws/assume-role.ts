import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts'
import { AppError } from '../errors.js'
import { mapStsError, type AwsErrorShape } from './aws-errors.js'

/** The narrow seam to STS: anything with the client's `send`. */
export type StsLike = Pick<STSClient, 'send'>

export interface SessionTag { key: string, value: string }

/** Everything that shapes one AssumeRole call (a cache key must cover all of it). */
export interface AssumeRoleInput {
  roleArn: string
  sessionName: string
  duration: number
  /** SOURCE_IDENTITY: needs sts:SetSourceIdentity in the role's trust policy */
  sourceIdentity?: string
  /** SESSION_TAGS: needs sts:TagSession in the role's trust policy */
  tags?: SessionTag[]
  /** TRANSITIVE_TAGS: keys of `tags` that survive role chaining */
  transitiveTagKeys?: string[]
}

export interface Vended {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  expiration: Date
}

/**
 * STS AssumeRole with the caller's session name (and SourceIdentity, session tags when set);
 * errors come back as AppErrors.
 */
export async function assumeRole (sts: StsLike, input: AssumeRoleInput): Promise<Vended> {
  let out
  try {
    out = await sts.send(new AssumeRoleCommand({
      RoleArn: input.roleArn,
      RoleSessionName: input.sessionName,
      DurationSeconds: input.duration,
      SourceIdentity: input.sourceIdentity,
      Tags: input.tags?.map((tag) => ({ Key: tag.key, Value: tag.value })),
      TransitiveTagKeys: input.transitiveTagKeys
    }))
  } catch (err) {
    throw mapStsError(err as AwsErrorShape & Error, input)
  }
  const c = out.Credentials
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
    throw new AppError('RO2KEY_UPSTREAM_BAD_RESPONSE', { detail: 'AWS STS answered without credentials' })
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration
  }
}
