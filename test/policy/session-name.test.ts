import t from 'tap'
import { sessionNameFor } from '../../src/policy/session-name.js'
import { decodeName } from '../../src/policy/injective-name.js'

const VALID = /^[\w+=,.@-]{2,64}$/

const table = [
  { desc: 'a valid uid is kept as is', uid: 'stups_mint-sync', want: 'stups_mint-sync' },
  { desc: 'email-like uid is valid', uid: 'robot@example.org', want: 'robot@example.org' },
  { desc: 'slash and space escaped', uid: 'robot/with spaces', want: 'robot=2Fwith=20spaces' },
  { desc: 'a valid uid holding = is escaped (= is the escape)', uid: 'a=b', want: 'a=3Db' },
  { desc: 'one-character uid gets the truncation mark and a hash', uid: 'a', want: /^a==[\w-]{22}$/ },
  { desc: 'unicode escaped per UTF-16 unit', uid: 'rôbot', want: 'r=u00F4bot' },
  { desc: 'over-long uid cut, marked, hashed', uid: 'x'.repeat(100), want: /^x{40}==[\w-]{22}$/ },
  { desc: 'a cut never splits an escape', uid: 'x'.repeat(39) + '/y'.repeat(20), want: /^x{39}==[\w-]{22}$/ }
]
for (const row of table) {
  t.test(row.desc, async (t) => {
    const name = sessionNameFor(row.uid)
    t.match(name, VALID, 'STS accepts it')
    if (typeof row.want === 'string') t.equal(name, row.want)
    else t.match(name, row.want)
  })
}

// Pairs that shared a session name (or tag) before issue 20: the cleaned-and-hashed form of one
// was the other's valid uid, or two uids cleaned to the same text.
const robotHash = 'robot-x-ad19c3d8'
const colliding: Array<[string, string]> = [
  ['robot/x', robotHash],
  ['robot/x', 'robot-x'],
  ['robot#x', 'robot-x'],
  ['robot:x', 'robot/x'],
  ['a=2Fb', 'a/b'],
  ['a', 'a=61'],
  ['\uD800', '\uFFFD'],
  ['x'.repeat(70) + '1', 'x'.repeat(70) + '2'],
  ['x'.repeat(64), 'x'.repeat(64) + '==']
]
t.test('no two uids share a session name', async (t) => {
  for (const [a, b] of colliding) {
    t.not(sessionNameFor(a), sessionNameFor(b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`)
  }
  t.equal(sessionNameFor('robot/x'), sessionNameFor('robot/x'), 'stable')
})

t.test('forms 1 and 2 decode back to the uid', async (t) => {
  for (const uid of ['robot/x', 'robot-x', 'a=b', 'rôbot', '\uD800x', 'team:x y', robotHash]) {
    t.equal(decodeName(sessionNameFor(uid)), uid, uid)
  }
  t.equal(decodeName(sessionNameFor('x'.repeat(100))), undefined, 'form 3 is one-way')
})
