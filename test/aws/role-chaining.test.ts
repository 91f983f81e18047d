import t from 'tap'
import { createSessionDurationCheck } from '../../src/aws/role-chaining.js'
import type { StsLike } from '../../src/aws/assume-role.js'

/** An STS seam answering GetCallerIdentity from a list of outcomes, counting calls. */
function stsAnswering (...outcomes: Array<string | Error>): StsLike & { calls: number } {
  const sts = {
    calls: 0,
    async send () {
      const next = outcomes[Math.min(sts.calls++, outcomes.length - 1)]
      if (next instanceof Error) throw next
      return { Arn: next }
    }
  }
  return sts as unknown as StsLike & { calls: number }
}

t.test('always and never do not ask STS', async (t) => {
  const sts = stsAnswering('arn:aws:sts::123456789012:assumed-role/ro2key/i-0abc')
  t.equal(await createSessionDurationCheck('always', sts)(), true)
  t.equal(await createSessionDurationCheck('never', sts)(), false)
  t.equal(sts.calls, 0)
})

const identities = [
  { desc: 'IAM user: not chained', arn: 'arn:aws:iam::123456789012:user/ro2key', may: true },
  { desc: 'instance profile: chained', arn: 'arn:aws:sts::123456789012:assumed-role/ro2key/i-0abc', may: false },
  { desc: 'aws-cn role: chained', arn: 'arn:aws-cn:sts::123456789012:assumed-role/ro2key/s', may: false },
  { desc: 'aws-us-gov user: not chained', arn: 'arn:aws-us-gov:iam::123456789012:user/ro2key', may: true }
]
for (const row of identities) {
  t.test(`auto: ${row.desc}`, async (t) => {
    const sts = stsAnswering(row.arn)
    const check = createSessionDurationCheck('auto', sts)
    t.equal(await check(), row.may)
    t.equal(await check(), row.may)
    t.equal(sts.calls, 1, 'STS asked once')
  })
}

t.test('auto: STS failing means no SessionDuration, and asking again next time', async (t) => {
  const sts = stsAnswering(new Error('STS down'), 'arn:aws:iam::123456789012:user/ro2key')
  const check = createSessionDurationCheck('auto', sts)
  t.equal(await check(), false, 'unknown: the safe answer')
  t.equal(await check(), true, 'known once STS answers')
  t.equal(await check(), true)
  t.equal(sts.calls, 2)
})
