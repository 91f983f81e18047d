import t from 'tap'
import type { Principal } from '../../src/auth/principal.js'
import { stepUpChallenge, stepUpRequired } from '../../src/auth/step-up.js'
import { strengthClaims } from '../../src/auth/strength-claims.js'
import {
  checkStrength, mfaProven, policyRequirements, TAG_REQUIREMENT, type StrengthRequirement
} from '../../src/policy/auth-strength.js'
import { buildPolicy } from '../../src/policy/policy-file.js'
import { DEFAULT_MFA_AMR } from '../../src/policy/require-mfa.js'
import { requiresMfaTag } from '../../src/policy/role-tags.js'

const NOW = 1_800_000_000
const who = (strength: Partial<Principal> = {}): Principal =>
  ({ source: 'jwt', uid: 'alice', realm: undefined, scopes: [], teams: ['admins'], expiresAt: undefined, ...strength })

const MFA: StrengthRequirement = { amr: ['mfa', 'hwk', 'otp'] }
const PHR: StrengthRequirement = { amr: DEFAULT_MFA_AMR, acr: ['phr', 'urn:example:loa:3'] }
const FRESH: StrengthRequirement = { amr: DEFAULT_MFA_AMR, maxAge: 3600 }

t.test('checkStrength: one row per case', async (t) => {
  const rows: Array<[string, Partial<Principal>, StrengthRequirement | StrengthRequirement[] | undefined, string]> = [
    ['no requirement: any token', {}, undefined, 'ok'],
    ['empty requirement list', {}, [], 'ok'],
    ['no amr: not proven', {}, MFA, 'amr-missing'],
    ['pwd only', { amr: ['pwd'] }, MFA, 'amr-not-accepted'],
    ['pwd + otp', { amr: ['pwd', 'otp'] }, MFA, 'ok'],
    ['hwk alone', { amr: ['hwk'] }, MFA, 'ok'],
    ['swk not in this team\'s set', { amr: ['swk'] }, MFA, 'amr-not-accepted'],
    ['swk in the default set', { amr: ['swk'] }, TAG_REQUIREMENT, 'ok'],
    ['amr values are case-sensitive (RFC 8176)', { amr: ['MFA'] }, MFA, 'amr-not-accepted'],
    ['acr required, none in the token', { amr: ['mfa'] }, PHR, 'acr-not-accepted'],
    ['acr not in the list', { amr: ['mfa'], acr: 'urn:example:loa:2' }, PHR, 'acr-not-accepted'],
    ['acr in the list (URI)', { amr: ['mfa'], acr: 'urn:example:loa:3' }, PHR, 'ok'],
    ['acr alone does not replace amr', { acr: 'phr' }, PHR, 'amr-missing'],
    ['max age, no auth_time', { amr: ['mfa'] }, FRESH, 'auth-time-missing'],
    ['max age, auth_time exactly at the limit', { amr: ['mfa'], authTime: NOW - 3600 }, FRESH, 'ok'],
    ['max age, one second over', { amr: ['mfa'], authTime: NOW - 3601 }, FRESH, 'auth-too-old'],
    ['max age 0, signed in this second', { amr: ['mfa'], authTime: NOW }, { ...FRESH, maxAge: 0 }, 'ok'],
    ['every requirement must hold (second fails)', { amr: ['otp'] }, [MFA, PHR], 'acr-not-accepted'],
    ['every requirement must hold (both ok)', { amr: ['otp'], acr: 'phr' }, [MFA, PHR], 'ok']
  ]
  for (const [name, strength, requirement, want] of rows) {
    const got = checkStrength(who(strength), requirement, NOW)
    t.equal(got.ok ? 'ok' : got.stepUp.reason, want, name)
  }
})

t.test('the step-up carries the failing requirement\'s acr_values and max_age', async (t) => {
  const got = checkStrength(who({ amr: ['pwd'] }), { ...PHR, maxAge: 600 }, NOW)
  t.same(got, {
    ok: false,
    stepUp: {
      reason: 'amr-not-accepted',
      description: 'sign in with one of: mfa, hwk, otp, swk, sc',
      acrValues: ['phr', 'urn:example:loa:3'],
      maxAge: 600
    }
  })
  t.same(checkStrength(who(), MFA, NOW), { ok: false, stepUp: { reason: 'amr-missing', description: 'the token does not say how you signed in (no amr); sign in with MFA' } }, 'no hints when none set')
})

t.test('RFC 9470 challenge and the problem code', async (t) => {
  const stepUp = { reason: 'acr-not-accepted' as const, description: 'd', acrValues: ['phr', 'urn:x:3'], maxAge: 60 }
  t.equal(stepUpChallenge(stepUp),
    'Bearer realm="ro2key", error="insufficient_user_authentication", error_description="d", acr_values="phr urn:x:3", max_age=60')
  t.equal(stepUpChallenge({ reason: 'amr-missing', description: 'x' }),
    'Bearer realm="ro2key", error="insufficient_user_authentication", error_description="x"')
  const err = stepUpRequired(stepUp)
  t.equal(err.statusCode, 401)
  t.equal(err.code, 'RO2KEY_STEP_UP_REQUIRED')
})

t.test('mfaProven: the ro2key:mfa session tag', async (t) => {
  t.equal(mfaProven({}), false)
  t.equal(mfaProven({ amr: ['pwd'] }), false)
  t.equal(mfaProven({ amr: ['pwd', 'sc'] }), true)
})

t.test('strengthClaims reads amr/acr/auth_time and leaves out what is malformed', async (t) => {
  t.same(strengthClaims({ amr: ['pwd', 'mfa'], acr: 'phr', auth_time: 1700000000 }), { amr: ['pwd', 'mfa'], acr: 'phr', authTime: 1700000000 })
  t.same(strengthClaims({ amr: 'pwd otp' }), { amr: ['pwd', 'otp'] }, 'a space-separated tokeninfo field')
  t.same(strengthClaims({}), {}, 'nothing: not proven')
  t.same(strengthClaims({ amr: [], acr: '', auth_time: 'yesterday' }), {})
  t.same(strengthClaims({ amr: [1, null], acr: 3, auth_time: -5 }), {})
  t.same(strengthClaims({ auth_time: 1700000000.7 }), { authTime: 1700000000 })
})

const POLICY = {
  teams: {
    admins: {
      roles: ['ReadOnly', 'AdminRole', 'Prod*'],
      require_mfa: { roles: ['AdminRole', 'Prod*'], amr: ['mfa', 'hwk', 'otp'], max_auth_age: 3600, acr: ['phr'] }
    },
    ops: { roles: ['Prod*'], require_mfa: { roles: ['ProdDb'] } },
    devs: { roles: ['Prod*'] }
  }
}

t.test('policyRequirements: the granting teams\' require_mfa entries that cover the role', async (t) => {
  const policy = buildPolicy(POLICY, 'p')
  t.same(policyRequirements('ReadOnly', ['admins'], policy), [], 'ReadOnly: no extra requirement')
  t.same(policyRequirements('AdminRole', ['admins'], policy), [{ amr: ['mfa', 'hwk', 'otp'], acr: ['phr'], maxAge: 3600 }])
  t.same(policyRequirements('ProdApi', ['admins'], policy).length, 1, 'a pattern')
  t.same(policyRequirements('ProdDb', ['ops'], policy), [{ amr: DEFAULT_MFA_AMR, acr: undefined, maxAge: undefined }], 'default amr')
  t.same(policyRequirements('ProdDb', ['admins', 'ops'], policy).length, 2, 'two teams grant: both requirements hold')
  t.same(policyRequirements('ProdDb', ['devs'], policy), [], 'a team without require_mfa')
})

t.test('require_mfa validation: every problem at once', async (t) => {
  const bad = (requireMfa: unknown): string => {
    try {
      buildPolicy({ teams: { a: { roles: ['X'], require_mfa: requireMfa } } }, 'p')
      return 'accepted'
    } catch (err) {
      return (err as Error).message
    }
  }
  t.match(bad(['X']), /teams\.a\.require_mfa must be a mapping/)
  t.match(bad({}), /require_mfa\.roles must be a list/)
  t.match(bad({ roles: ['X'], amr: [] }), /amr must be a non-empty list/)
  t.match(bad({ roles: ['X'], acr: ['a"b'] }), /acr must be a non-empty list/, 'no quote may reach the header')
  t.match(bad({ roles: ['X'], max_auth_age: -1 }), /max_auth_age must be an integer/)
  t.match(bad({ roles: ['X'], mfa: true, max_auth_age: 1.5 }), /require_mfa\.mfa is not a known key.*max_auth_age must be/)
  t.equal(bad({ roles: ['X'] }), 'accepted')
})

t.test('requiresMfaTag: ro2key:require-mfa=true, key and value case-insensitive', async (t) => {
  const role = (Key: string, Value: string) => ({ Tags: [{ Key, Value }] }) as Parameters<typeof requiresMfaTag>[0]
  t.equal(requiresMfaTag(role('ro2key:require-mfa', 'true')), true)
  t.equal(requiresMfaTag(role('RO2KEY:Require-MFA', ' TRUE ')), true)
  t.equal(requiresMfaTag(role('ro2key:require-mfa', 'false')), false)
  t.equal(requiresMfaTag(role('ro2key:require-mfa', 'yes')), false, 'only true')
  t.equal(requiresMfaTag(role('ro2key:teams', 'true')), false)
  t.equal(requiresMfaTag(undefined), false)
})
