import t from 'tap'
import { CENSOR, redactSecrets, secretKeys } from '../src/log-redact.js'
import { REDACT_PATHS } from '../src/log.js'

const secrets = secretKeys(REDACT_PATHS)

t.test('every path names a secret key, wildcards and nesting dropped', async (t) => {
  t.ok(secrets.has('SecretAccessKey') && secrets.has('authorization') && secrets.has('clientSecret'))
  t.notOk(secrets.has('*') || secrets.has('req') || secrets.has('headers'))
})

t.test('secrets at any depth are censored; the caller\'s object is untouched', async (t) => {
  const object = { a: { b: { c: [{ SessionToken: 'deep-1' }] } }, audit: { uid: 'u', token: 'deep-2' }, n: 1 }
  const out = redactSecrets(object, secrets)
  t.notMatch(JSON.stringify(out), /deep-\d/)
  t.equal(out.audit.token, CENSOR)
  t.equal(out.audit.uid, 'u', 'the rest stays')
  t.equal(object.audit.token, 'deep-2', 'no mutation')
  t.equal(redactSecrets(object.a.b.c[0] ?? {}, new Set()), object.a.b.c[0], 'nothing to censor: the same object')
})

t.test('an error with a secret property keeps its message and stack', async (t) => {
  const err = Object.assign(new Error('boom'), { token: 'err-secret' })
  const { err: out } = redactSecrets({ err }, secrets)
  t.ok(out instanceof Error)
  t.equal(out.message, 'boom')
  t.equal((out as unknown as { token: string }).token, CENSOR)
})

t.test('a cycle ends at the depth limit instead of looping', async (t) => {
  const a: Record<string, unknown> = { token: 'cyc' }
  a.self = a
  t.equal(redactSecrets(a, secrets).token, CENSOR)
})
