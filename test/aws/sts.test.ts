import t from 'tap'
import { mapStsError } from '../../src/aws/sts.js'

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
