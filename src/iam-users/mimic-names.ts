/** The tag every mimic role carries: its value names the IAM user it copies. */
export const MIMIC_TAG = 'ro2key:mimics'
/** The longest session IAM allows; AssumeRole still caps it at 3600 s when ro2key runs as a role. */
export const MIMIC_MAX_SESSION = 43200
/** IAM: role names 1-64, inline policy names 1-128 characters. */
const MAX_ROLE_NAME = 64
const MAX_POLICY_NAME = 128

/** The mimic role's name, or undefined when prefix + user exceeds IAM's 64 characters. */
export function mimicRoleName (prefix: string, user: string): string | undefined {
  const name = prefix + user
  return name.length <= MAX_ROLE_NAME ? name : undefined
}

/** A group's inline policy on the role: `<group>_<policy>`, cut to IAM's 128 characters (as Himeko does). */
export function groupPolicyName (group: string, policy: string): string {
  return `${group}_${policy}`.slice(0, MAX_POLICY_NAME)
}

const ASSUMED_ROLE = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/[^/]+$/

/**
 * The principal a trust policy can name for the caller of sts:GetCallerIdentity: an assumed-role
 * ARN becomes its role's ARN (the path, which the session ARN lacks, comes from `rolePath`);
 * a user or root ARN is used as it is.
 */
export function principalArnOf (callerArn: string, rolePath = '/'): string {
  const m = ASSUMED_ROLE.exec(callerArn)
  if (m === null) return callerArn
  const [, partition, account, role] = m
  return `arn:${partition}:iam::${account}:role${rolePath}${role}`
}

/** The role name inside an assumed-role ARN, else undefined. */
export function assumedRoleName (callerArn: string): string | undefined {
  return ASSUMED_ROLE.exec(callerArn)?.[3]
}

/** The mimic role's trust policy: ro2key's own role only (Himeko trusts the whole account). */
export function trustPolicy (principalArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principalArn }, Action: 'sts:AssumeRole' }]
  })
}
