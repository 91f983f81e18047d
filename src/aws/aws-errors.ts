import { AppError } from '../errors.js'

/** What ro2key reads of an AWS SDK v3 error. */
export interface AwsErrorShape {
  name?: string
  $fault?: 'client' | 'server'
  $metadata?: { httpStatusCode?: number, requestId?: string }
}

type AwsError = AwsErrorShape & Error

/** The parts of an AssumeRole input that need more trust-policy permissions. */
export interface AttributionAsked { tags?: readonly unknown[], sourceIdentity?: string | undefined }

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded'])
const TIMEOUT = new Set(['AbortError', 'TimeoutError'])

export const isAccessDenied = (err: AwsErrorShape): boolean =>
  err.name === 'AccessDenied' || err.name === 'AccessDeniedException'
export const isNoSuchEntity = (err: AwsErrorShape): boolean =>
  err.name === 'NoSuchEntity' || err.name === 'NoSuchEntityException'
export const isThrottling = (err: AwsErrorShape): boolean => THROTTLING.has(err.name ?? '')
/** No answer at all, or AWS's own fault: worth a retry later. */
const isUnreachable = (err: AwsErrorShape): boolean => {
  const status = err.$metadata?.httpStatusCode
  return status === undefined || status >= 500
}

/** What is safe to log of an AWS SDK error: never the raw request. */
function summary (err: AwsError, service: string): Error {
  const status = err.$metadata?.httpStatusCode ?? 'no response'
  const requestId = err.$metadata?.requestId ?? '-'
  return new Error(`${service} ${err.name ?? 'Error'} (${status}, request ${requestId}): ${err.message}`)
}

const STS_MODES = { 'sts:TagSession': 'SESSION_TAGS', 'sts:SetSourceIdentity': 'SOURCE_IDENTITY' } as const
type StsAction = keyof typeof STS_MODES

/**
 * The 403 detail for AccessDenied. AWS's message names the action it refused
 * ("not authorized to perform: sts:TagSession on resource: arn:…"); only that action name is
 * taken from it, never the text, which holds account ids and ARNs.
 */
export function accessDeniedDetail (message: string, input: AttributionAsked = {}): string {
  const refused = 'AWS STS refused AssumeRole'
  for (const action of Object.keys(STS_MODES) as StsAction[]) {
    if (message.includes(action)) {
      const mode = STS_MODES[action]
      return `${refused}: the role's trust policy must allow ${action} for ro2key's own role (${mode} is on)`
    }
  }
  const needed: StsAction[] = [
    ...(input.tags?.length ? ['sts:TagSession' as const] : []),
    ...(input.sourceIdentity ? ['sts:SetSourceIdentity' as const] : [])
  ]
  const extra = needed.length > 0
    ? `, with ${needed.join(' and ')} as well (${needed.map((a) => STS_MODES[a]).join(' and ')} on)`
    : ''
  const trust = 'its trust policy does not allow ro2key\'s own role sts:AssumeRole'
  return `${refused}: the role may not exist, or ${trust}${extra}`
}

/** Maps an STS failure to the client's answer: AWS refusals 403/400, upstream trouble 502/503. */
export function mapStsError (err: AwsError, input?: AttributionAsked): AppError {
  const cause = summary(err, 'STS')
  if (isAccessDenied(err)) {
    return new AppError('RO2KEY_AWS_ACCESS_DENIED', { cause, detail: accessDeniedDetail(err.message ?? '', input) })
  }
  if (err.name === 'ValidationError' || err.name === 'MalformedPolicyDocument') {
    return new AppError('RO2KEY_AWS_REJECTED_PARAMETERS', {
      cause,
      detail: 'AWS STS rejected the request, most often a duration above the role\'s MaxSessionDuration ' +
        '(or above 3600 s when ro2key itself runs under a role)'
    })
  }
  if (TIMEOUT.has(err.name ?? '')) {
    // STS_TIMEOUT_MS ran out (ro2key's deadline or the SDK's per-attempt timeout)
    return new AppError('RO2KEY_UPSTREAM_UNAVAILABLE', { cause, detail: 'AWS STS timed out; try again later' })
  }
  if (isThrottling(err)) {
    return new AppError('RO2KEY_UPSTREAM_UNAVAILABLE', { cause, detail: 'AWS STS is throttling; try again later' })
  }
  if (isUnreachable(err)) {
    const detail = 'AWS STS could not be reached; try again later'
    return new AppError('RO2KEY_UPSTREAM_UNAVAILABLE', { cause, detail })
  }
  // Our own credentials or region are broken (ExpiredToken, InvalidClientTokenId, RegionDisabled...):
  // the caller did nothing wrong, so never 401/403.
  return new AppError('RO2KEY_UPSTREAM_BAD_RESPONSE', {
    cause,
    detail: 'AWS STS refused ro2key\'s own request; the operator has been told'
  })
}

/** Maps an IAM failure: our own permissions or credentials 502, unreachable or throttled 503; never 401/403 */
export function mapIamError (err: AwsError, action: string): AppError {
  const cause = summary(err, `IAM ${action}`)
  if (isThrottling(err)) {
    return new AppError('RO2KEY_UPSTREAM_UNAVAILABLE', { cause, detail: 'AWS IAM is throttling; try again later' })
  }
  if (isUnreachable(err)) {
    return new AppError('RO2KEY_UPSTREAM_UNAVAILABLE', {
      cause,
      detail: 'AWS IAM could not be reached to read the role\'s tags; try again later'
    })
  }
  return new AppError('RO2KEY_UPSTREAM_BAD_RESPONSE', {
    cause,
    detail: `AWS IAM refused ro2key's own ${action}; the operator has been told`
  })
}
