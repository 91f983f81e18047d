import t from 'tap'
import { matchesRole, parseRolePattern } from '../../src/policy/role-pattern.js'

const DEFAULT = { accountAlias: undefined, isDefault: true }
const DEFAULT_NAMED = { accountAlias: 'home', isDefault: true }
const PROD = { accountAlias: 'prod', isDefault: false }
const DEV = { accountAlias: 'dev', isDefault: false }

t.test('pattern table: plain, alias/ and */ against account and role', async (t) => {
  const rows: Array<[string, typeof DEFAULT | typeof PROD, string, boolean, string]> = [
    ['S3MintReadOnly', DEFAULT, 'S3MintReadOnly', true, 'plain: the default account'],
    ['S3MintReadOnly', PROD, 'S3MintReadOnly', false, 'plain: not another account'],
    ['S3MintReadOnly', DEFAULT_NAMED, 'S3MintReadOnly', true, 'plain: the default account when it has an alias too'],
    ['prod/S3Mint*', PROD, 'S3MintWrite', true, 'alias: that account, * in the name'],
    ['prod/S3Mint*', DEV, 'S3MintWrite', false, 'alias: not another account'],
    ['prod/S3Mint*', DEFAULT, 'S3MintWrite', false, 'alias: not the default account'],
    ['prod/S3Mint*', PROD, 'S3Billing', false, 'alias: name must match'],
    ['home/Admin', DEFAULT_NAMED, 'Admin', true, 'the default account by its alias'],
    ['*/ReadOnly', DEFAULT, 'ReadOnly', true, 'any: the default account'],
    ['*/ReadOnly', DEV, 'ReadOnly', true, 'any: a listed account'],
    ['*/ReadOnly', DEV, 'ReadOnlyX', false, 'any: the whole name must match'],
    ['*/*', PROD, 'Anything', true, 'any role anywhere'],
    ['S3.Mint', DEFAULT, 'S3xMint', false, 'dot is literal']
  ]
  for (const [text, account, roleName, want, desc] of rows) {
    const pattern = parseRolePattern(text)
    t.ok(pattern, `${text} parses`)
    if (pattern) t.equal(matchesRole(pattern, { ...account, roleName }), want, desc)
  }
})

t.test('what is not a pattern', async (t) => {
  for (const bad of ['', 'Prod/Role', 'prod/', '/Role', 'a/b/c', 'pr od/Role', 'x'.repeat(65), '**/R', 'prod/Ro le', '-x/Role']) {
    t.equal(parseRolePattern(bad), undefined, JSON.stringify(bad))
  }
  t.match(parseRolePattern('dev/*'), { account: { kind: 'alias', alias: 'dev' }, name: '*' })
  t.match(parseRolePattern('*/R'), { account: { kind: 'any' }, name: 'R' })
})
