import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts'
import { AppError } from '../errors.js'

/** The narrow seam to STS: anything with the client's `send`. */
export type StsLike = Pick<STSClient, 'send'>

export interface AssumeRoleInput {
  roleArn: string
  sessionName: string
  duration: number
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

/** Maps an STS failure to the client's answer: AWS refusals 403/400, upstream trouble 502/503. */
export function mapStsError (err: AwsErrorShape & Error): AppError {
  const cause = summary(err)
  const status = err.$metadata?.httpStatusCode
  switch (err.name) {
    case 'AccessDenied':
    case 'AccessDeniedException':
      return new AppError('RO2KEY_AWS_ACCESS_DENIED', {
        cause,
        detail: 'AWS STS refused AssumeRole: the role may not exist, or its trust policy does not allow ro2key\'s own role to assume it'
      })
    case 'ValidationError':
    case 'MalformedPolicyDocument':
      return new AppError('RO2KEY_AWS_REJECTED_PARAMETERS', {
        cause,
        detail: 'AWS STS rejected the request, most often a duration above the role\'s MaxSessionDuration (or above 3600 s when ro2key itself runs under a role)'
      })
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

/** STS AssumeRole with the caller's session name; errors come back as AppErrors. */
export async function assumeRole (sts: StsLike, input: AssumeRoleInput): Promise<Vended> {
  let out
  try {
    out = await sts.send(new AssumeRoleCommand({
      RoleArn: input.roleArn,
      RoleSessionName: input.sessionName,
      DurationSeconds: input.duration
    }))
  } catch (err) {
    throw mapStsError(err as AwsErrorShape & Error)
  }
  const c = out.Credentials
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
    throw new AppError('RO2KEY_UPSTREAM_BAD_RESPONSE', { detail: 'AWS STS answered without credentials' })
  }
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration }
}
