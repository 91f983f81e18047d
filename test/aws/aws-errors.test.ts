import t from 'tap'
import { accessDeniedDetail, mapIamError, mapStsError } from '../../src/aws/aws-errors.js'

const MOTO_ACCOUNT = '123456789012'

function awsError (name: string, status?: number, message = 'msg'): Error {
  return Object.assign(new Error(message), { name, $metadata: status === undefined ? {} : { httpStatusCode: status, requestId: 'r-1' } })
}

const table = [
  { desc: 'AccessDenied', err: awsError('AccessDenied', 403, 'User: arn:aws:sts::123456789012:assumed-role/x is not authorized'), code: 'RO2KEY_AWS_ACCESS_DENIED', status: 403 },
  { desc: 'ValidationError (duration above MaxSessionDuration)', err: awsError('ValidationError', 400), code: 'RO2KEY_AWS_REJECTED_PARAMETERS', status: 400 },
  { desc: 'Throttling', err: awsError('Throttling', 400, 'Rate exceeded'), code: 'RO2KEY_UPSTREAM_UNAVAILABLE', status: 503 },
  { desc: 'STS 500', err: awsError('InternalFailure', 500), code: 'RO2KEY_UPSTREAM_UNAVAILABLE', status: 503 },
  { desc: 'network error without response', err: Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' }), code: 'RO2KEY_UPSTREAM_UNAVAILABLE', status: 503 },
  { desc: 'our own token expired', err: awsError('ExpiredToken', 400), code: 'RO2KEY_UPSTREAM_BAD_RESPONSE', status: 502 },
  { desc: 'our own key unknown', err: awsError('InvalidClientTokenId', 403), code: 'RO2KEY_UPSTREAM_BAD_RESPONSE', status: 502 },
  { desc: 'region disabled', err: awsError('RegionDisabledException', 403), code: 'RO2KEY_UPSTREAM_BAD_RESPONSE', status: 502 }
]
for (const row of table) {
  t.test(row.desc, async (t) => {
    const mapped = mapStsError(row.err)
    t.equal(mapped.code, row.code)
    t.equal(mapped.statusCode, row.status)
    t.notMatch(mapped.detail ?? '', /123456789012|arn:aws/, 'no AWS account data in what the client sees')
    t.match((mapped.cause as Error).message, /^STS /, 'the AWS error is kept as cause for the log')
    if (row.status >= 500) t.equal(mapped.headers['retry-after'], '5')
  })
}

t.test('AccessDenied names the trust-policy permission ro2key needs, never AWS\'s text', async (t) => {
  const deny = (action: string) => `User: arn:aws:sts::123456789012:assumed-role/ro2key/i-0abc is not authorized to perform: ${action} on resource: arn:aws:iam::123456789012:role/R`
  const tags = [{ key: 'ro2key:uid', value: 'x' }]
  const rows = [
    { desc: 'AWS names sts:TagSession', message: deny('sts:TagSession'), input: { tags }, detail: /trust policy must allow sts:TagSession .*SESSION_TAGS is on/ },
    { desc: 'AWS names sts:SetSourceIdentity', message: deny('sts:SetSourceIdentity'), input: { sourceIdentity: 'x', tags }, detail: /trust policy must allow sts:SetSourceIdentity .*SOURCE_IDENTITY is on/ },
    { desc: 'plain AssumeRole refusal, options off', message: deny('sts:AssumeRole'), input: {}, detail: /^AWS STS refused AssumeRole: the role may not exist, or its trust policy does not allow ro2key's own role sts:AssumeRole$/ },
    { desc: 'unspecific refusal with both options on', message: 'Access denied', input: { sourceIdentity: 'x', tags }, detail: /sts:AssumeRole, with sts:TagSession and sts:SetSourceIdentity as well \(SESSION_TAGS and SOURCE_IDENTITY on\)/ },
    { desc: 'unspecific refusal with only tags', message: 'Access denied', input: { tags }, detail: /with sts:TagSession as well \(SESSION_TAGS on\)$/ }
  ]
  for (const row of rows) {
    t.match(accessDeniedDetail(row.message, row.input), row.detail, row.desc)
    const mapped = mapStsError(awsError('AccessDenied', 403, row.message), row.input)
    t.match(mapped, { statusCode: 403, code: 'RO2KEY_AWS_ACCESS_DENIED', detail: row.detail }, `${row.desc}: mapped`)
    t.notMatch(mapped.detail ?? '', /123456789012|arn:aws|i-0abc/, `${row.desc}: no account data`)
  }
})

t.test('mapIamError: our own IAM trouble is 502/503, never the caller\'s fault', async (t) => {
  const err = (name: string, status?: number) => Object.assign(new Error(`User: arn:aws:iam::${MOTO_ACCOUNT}:user/x is not authorized`), { name, $metadata: { httpStatusCode: status } })
  const rows = [
    { err: err('AccessDenied', 403), status: 502, code: 'RO2KEY_UPSTREAM_BAD_RESPONSE' },
    { err: err('InvalidClientTokenId', 403), status: 502, code: 'RO2KEY_UPSTREAM_BAD_RESPONSE' },
    { err: err('Throttling', 400), status: 503, code: 'RO2KEY_UPSTREAM_UNAVAILABLE' },
    { err: err('ServiceFailure', 500), status: 503, code: 'RO2KEY_UPSTREAM_UNAVAILABLE' },
    { err: err('Error'), status: 503, code: 'RO2KEY_UPSTREAM_UNAVAILABLE' }
  ]
  for (const row of rows) {
    const mapped = mapIamError(row.err, 'GetRole')
    t.match(mapped, { statusCode: row.status, code: row.code }, row.err.name)
    t.notMatch(mapped.detail, /arn:aws|123456789012/, 'no account data for the client')
    t.match((mapped.cause as Error).message, /^IAM GetRole /, 'the AWS error is kept for the log')
    t.equal(mapped.headers['retry-after'], '5')
  }
})
