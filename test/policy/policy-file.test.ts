import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildPolicy, compilePattern, loadPolicyFile } from '../../src/policy/policy-file.js'

const dir = mkdtempSync(join(tmpdir(), 'ro2key-policy-'))
function file (name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

t.test('the ARCHITECTURE.md example loads from YAML', async (t) => {
  const policy = loadPolicyFile(file('p.yaml', `
teams:
  mint:
    roles: [S3MintReadOnly, "S3Mint*"]
    max_duration: 3600
members:
  stups_mint-sync: mint
  robot-x: [mint]
`))
  t.same(policy.teams.get('mint')?.patterns, ['S3MintReadOnly', 'S3Mint*'])
  t.equal(policy.teams.get('mint')?.maxDuration, 3600)
  t.same(policy.members.get('stups_mint-sync'), ['mint'])
  t.same(policy.members.get('robot-x'), ['mint'])
})

t.test('JSON works too', async (t) => {
  const policy = loadPolicyFile(file('p.json', '{"teams":{"a":{"roles":["R"]}}}'))
  t.equal(policy.teams.get('a')?.maxDuration, undefined)
  t.equal(policy.members.size, 0)
})

t.test('every problem is reported at once, with its path', async (t) => {
  t.throws(() => buildPolicy({
    teams: {
      a: { roles: 'R' },
      b: { roles: ['ok'], max_duration: 100 },
      c: { roles: ['bad/name'] },
      d: { roles: ['x'], colour: 'red' }
    },
    members: { u: 'nope', v: 3 },
    extra: 1
  }, 'p.yaml'), {
    message: /^p\.yaml: .*extra is not a known key.*teams\.a\.roles must be a list.*teams\.b\.max_duration must be an integer from 900 to 43200.*teams\.d\.colour is not a known key.*members\.u: team "nope" is not defined.*members\.v must be.*teams\.c\.roles: account "bad" is not defined/
  })
})

t.test('unreadable, unparsable and empty files are named', async (t) => {
  t.throws(() => loadPolicyFile(join(dir, 'missing.yaml')), { message: /missing\.yaml: cannot be read \(ENOENT\)/ })
  t.throws(() => loadPolicyFile(file('bad.yaml', 'teams: [unclosed')), { message: /bad\.yaml: not valid YAML or JSON/ })
  t.throws(() => loadPolicyFile(file('empty.yaml', '')), { message: /empty\.yaml: must be a mapping/ })
  t.throws(() => buildPolicy({ members: {} }, 'x'), { message: /teams must be a mapping/ })
  t.throws(() => buildPolicy({ teams: { a: 'R' } }, 'x'), { message: /teams\.a must be a mapping/ })
  t.throws(() => buildPolicy({ teams: {}, members: ['x'] }, 'x'), { message: /members must be a mapping/ })
})

t.test('patterns: * is any run of role-name characters, the rest literal', async (t) => {
  const re = compilePattern('S3.Mint*')
  t.ok(re.test('S3.Mint'))
  t.ok(re.test('S3.MintRead+Only@x'))
  t.notOk(re.test('S3xMint'), 'dot is literal')
  t.notOk(re.test('S3.Mint/x'), 'slash is not a role-name character')
  t.ok(compilePattern('a+b').test('a+b'))
  t.notOk(compilePattern('a+b').test('aab'), 'plus is literal')
})
