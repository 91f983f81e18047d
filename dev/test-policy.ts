/**
 * The policy document of the tests and the fuzzer: team mint may use
 * S3MintReadOnly and S3Mint* (at most an hour), billing Billing*, shortlived Short* (30 min).
 */
export const TEST_POLICY_DOCUMENT = {
  teams: {
    mint: { roles: ['S3MintReadOnly', 'S3Mint*'], max_duration: 3600 },
    billing: { roles: ['Billing*'] },
    shortlived: { roles: ['Short*'], max_duration: 1800 }
  },
  members: { 'stups_mint-sync': 'mint', 'robot-x': ['mint', 'billing'] },
  // the tokeninfo peer's realm: the plain members are robots of /services (issue 20)
  members_realm: '/services'
}
