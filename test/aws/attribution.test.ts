import t from 'tap'
import { assumeRoleInput, tagValue } from '../../src/aws/attribution.js'
import type { Principal } from '../../src/auth/principal.js'
import type { Allowed } from '../../src/policy/decide.js'

const decision: Allowed = { allowed: true, roleArn: 'arn:aws:iam::123456789012:role/R', sessionName: 'robot-x', duration: 3600, teams: ['mint', 'billing'] }
const principal: Principal = { source: 'tokeninfo', uid: 'robot-x', realm: '/services', scopes: [], teams: [], expiresAt: undefined }
const off = { sourceIdentity: false, sessionTags: false, transitiveTags: false }
const base = { roleArn: decision.roleArn, sessionName: 'robot-x', duration: 3600 }

const table = [
  { desc: 'everything off: only the three core fields', p: principal, opts: off, want: base },
  { desc: 'SourceIdentity is the sanitised uid', p: principal, opts: { ...off, sourceIdentity: true }, want: { ...base, sourceIdentity: 'robot-x' } },
  { desc: 'SourceIdentity of an odd uid follows the session name rules', p: { ...principal, uid: 'aws:robot/x' }, opts: { ...off, sourceIdentity: true }, want: { ...base, sourceIdentity: 'aws=3Arobot=2Fx' } },
  {
    desc: 'session tags: uid, first granting team, realm',
    p: principal,
    opts: { ...off, sessionTags: true },
    want: { ...base, tags: [{ key: 'ro2key:uid', value: 'robot-x' }, { key: 'ro2key:team', value: 'mint' }, { key: 'ro2key:realm', value: '/services' }] }
  },
  {
    desc: 'no realm, no realm tag',
    p: { ...principal, realm: undefined },
    opts: { ...off, sessionTags: true },
    want: { ...base, tags: [{ key: 'ro2key:uid', value: 'robot-x' }, { key: 'ro2key:team', value: 'mint' }] }
  },
  {
    desc: 'transitive: every tag key',
    p: principal,
    opts: { sourceIdentity: true, sessionTags: true, transitiveTags: true },
    want: { ...base, sourceIdentity: 'robot-x', transitiveTagKeys: ['ro2key:uid', 'ro2key:team', 'ro2key:realm'] }
  }
]

for (const row of table) {
  t.test(row.desc, async (t) => {
    const got = assumeRoleInput(decision, row.p, row.opts)
    t.match(got, row.want)
    if (!row.opts.sessionTags) t.notOk('tags' in got, 'no tags key at all when off')
    if (!row.opts.sourceIdentity) t.notOk('sourceIdentity' in got)
    if (!row.opts.transitiveTags) t.notOk('transitiveTagKeys' in got)
  })
}

t.test('tag values: characters STS refuses are escaped, at most 256', async (t) => {
  t.equal(tagValue('robot x/é:+-@_.'), 'robot x/é:+-@_.', 'letters (any script), spaces and _.:/+-@ are kept')
  t.equal(tagValue('a=b'), 'a=3Db', '= is the escape character')
  t.equal(tagValue('a"b<c>d;e'), 'a=22b=3Cc=3Ed=3Be')
  t.equal(tagValue('x'.repeat(300)).length, 256)
  t.match(tagValue('x'.repeat(300)), /^x{232}==[\w-]{22}$/)
  t.match(tagValue('robot-\u{1F600}'), /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, 'STS accepts it')
})

t.test('tag values: pairs that shared a tag before issue 20 differ', async (t) => {
  const pairs = [['robot#x', 'robot-x'], ['a"b', 'a-b'], ['a=22b', 'a"b'], ['x'.repeat(256) + '1', 'x'.repeat(256) + '2']]
  for (const [a, b] of pairs) t.not(tagValue(a as string), tagValue(b as string), `${a} vs ${b}`)
})
