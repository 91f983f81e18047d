import t from 'tap'
import { sessionNameFor } from '../../src/policy/session-name.js'

const VALID = /^[\w+=,.@-]{2,64}$/

const table = [
  { desc: 'a valid uid is kept as is', uid: 'stups_mint-sync', want: 'stups_mint-sync' },
  { desc: 'email-like uid is valid', uid: 'robot@example.org', want: 'robot@example.org' },
  { desc: 'slash and space replaced, hash appended', uid: 'robot/with spaces', want: /^robot-with-spaces-[0-9a-f]{8}$/ },
  { desc: 'one-character uid is padded with a hash', uid: 'a', want: /^a-[0-9a-f]{8}$/ },
  { desc: 'unicode replaced', uid: 'rôbot', want: /^r-bot-[0-9a-f]{8}$/ },
  { desc: 'over-long uid truncated to 64 with a hash', uid: 'x'.repeat(100), want: /^x{55}-[0-9a-f]{8}$/ }
]
for (const row of table) {
  t.test(row.desc, async (t) => {
    const name = sessionNameFor(row.uid)
    t.match(name, VALID, 'STS accepts it')
    if (typeof row.want === 'string') t.equal(name, row.want)
    else t.match(name, row.want)
  })
}

t.test('different uids that clean to the same text stay different', async (t) => {
  t.not(sessionNameFor('robot/x'), sessionNameFor('robot:x'))
  t.not(sessionNameFor('a'.repeat(70) + '1'), sessionNameFor('a'.repeat(70) + '2'))
  t.equal(sessionNameFor('robot/x'), sessionNameFor('robot/x'), 'stable')
})
