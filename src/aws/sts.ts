import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts'
import { AppError } from '../errors.js'

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

interface AwsErrorShape {
  name?: string
  $fault?: 'client' | 'server'
  $metadata?: { httpStatusCode?: number, requestId?: string }
}

/** What is safe to log of an AWS SDK error: never the raw request. */
function summary (err: AwsErrorShape & Error): Error {
  const status = err.$metadata?.httpStatusCode ?? 'no response'
  return new Error(`STS ${err.name ?? 'Error'} (${status}, request ${err.$metadata?.requestId ?? '-'}): ${err.message}`)
}

/**
 * The 403 detail for AccessDenied. AWS's message names the action it refused
 * ("not authorized to perform: sts:TagSession on resource: arn:…"); only that action name is
 * taken from it, never the text, which holds account ids and ARNs.
 */
export function accessDeniedDetail (message: string, input: Partial<AssumeRoleInput> = {}): string {
  const mode = { 'sts:TagSession': 'SESSION_TAGS', 'sts:SetSourceIdentity': 'SOURCE_IDENTITY' } as const
  for (const action of ['sts:TagSession', 'sts:SetSourceIdentity'] as const) {
    if (message.includes(action)) {
      return `AWS STS refused AssumeRole: the role's trust policy must allow ${action} for ro2key's own role (${mode[action]} is on)`
    }
  }
  const needed = [...(input.tags?.length ? ['sts:TagSession'] : []), ...(input.sourceIdentity ? ['sts:SetSourceIdentity'] : [])]
  const extra = needed.length > 0 ? `, with ${needed.join(' and ')} as well (${needed.map((a) => mode[a as keyof typeof mode]).join(' and ')} on)` : ''
  return `AWS STS refused AssumeRole: the role may not exist, or its trust policy does not allow ro2key's own role sts:AssumeRole${extra}`
}

/** Maps an STS failure to the client's answer: AWS refusals 403/400, upstream trouble 502/503. */
export function mapStsError (err: AwsErrorShape & Error, input?: Partial<AssumeRoleInput>): AppError {
  const cause = summary(err)
  const status = err.$metadata?.httpStatusCode
  switch (err.name) {
    case 'AccessDenied':
    case 'AccessDeniedException':
      return new AppError('RO2KEY_AWS_ACCESS_DENIED', { cause, detail: accessDeniedDetail(err.message ?? '', input) })
    case 'ValidationError':
    case 'MalformedPolicyDocument':
      return new AppError('RO2KEY_AWS_REJECTED_PARAMETERS', {
        cause,
        detail: 'AWS STS rejected the request, most often a duration above the role\'s MaxSessionDuration (or above 3600 s when ro2key itself runs under a role)'
      })
    case 'AbortError':
    case 'TimeoutError':
      // STS_TIMEOUT_MS ran out (ro2key's deadline or the SDK's per-attempt timeout)
      return new AppError('RO2KEY_UPSTREAM_UNAVAILABLE', { cause, detail: 'AWS STS timed out; try again later' })
    case 'Throttling':
    case 'ThrottlingException':
    case 'RequestLimitExceeded':
      return new AppError('RO2KEY_UPSTREAM_UNAVAILABLE', { cause, detail: 'AWS STS is throttling; try again later' })
  }
  if (status === undefined || status >= 500) {
    return new AppError('RO2KEY_UPSTREAM_UNAVAILABLE', { cause, detail: 'AWS STS could not be reached; try again later' })
  }
  // Our own credentials or region are broken (ExpiredToken, InvalidClientTokenId, RegionDisabled...):
  // the caller did nothing wrong, so never 401/403.
  return new AppError('RO2KEY_UPSTREAM_BAD_RESPONSE', { cause, detail: 'AWS STS refused ro2key\'s own request; the operator has been told' })
}

/** STS AssumeRole with the caller's session name (and SourceIdentity, session tags when set); errors come back as AppErrors. */
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
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration }
}
