import {
  AttachRolePolicyCommand, CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, DetachRolePolicyCommand,
  GetRoleCommand, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand, ListRoleTagsCommand, PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand
} from '@aws-sdk/client-iam'
import { isNoSuchEntity, type AwsErrorShape } from '../aws/aws-errors.js'
import { MIMIC_MAX_SESSION, MIMIC_TAG } from './mimic-names.js'
import type { MimicIamLike, Permissions } from './mimic-permissions.js'

/** A role of the mimic name as IAM has it: its ARN and the user its ro2key:mimics tag names (if any). */
export interface ExistingRole { arn: string, mimics: string | undefined }

const gone = (err: unknown): boolean => isNoSuchEntity(err as AwsErrorShape)

/** Tolerates NoSuchEntity (the thing is already gone); anything else is thrown. */
async function ignoringGone (call: () => Promise<unknown>): Promise<void> {
  try { await call() } catch (err) { if (!gone(err)) throw err }
}

/** Marks an error with the IAM action that raised it, so a LimitExceeded names the right limit. */
async function as<T> (action: string, call: Promise<T>): Promise<T> {
  try {
    return await call
  } catch (err) {
    throw Object.assign(err as object, { iamAction: action })
  }
}

/** The role of that name and its mimic tag, or undefined when IAM has none. */
export async function findRole (iam: MimicIamLike, RoleName: string): Promise<ExistingRole | undefined> {
  try {
    const role = (await iam.send(new GetRoleCommand({ RoleName }))).Role
    const tags = role?.Tags ?? (await iam.send(new ListRoleTagsCommand({ RoleName }))).Tags ?? []
    return { arn: role?.Arn ?? '', mimics: tags.find((tag) => tag.Key === MIMIC_TAG)?.Value }
  } catch (err) {
    if (gone(err)) return undefined
    throw err
  }
}

export interface NewRole { name: string, path: string, trust: string, user: string }

/** CreateRole: the mimic path, 12 h MaxSessionDuration, the trust policy and the ro2key:mimics tag. */
export async function createRole (iam: MimicIamLike, role: NewRole): Promise<string> {
  const out = await iam.send(new CreateRoleCommand({
    RoleName: role.name,
    Path: role.path,
    AssumeRolePolicyDocument: role.trust,
    MaxSessionDuration: MIMIC_MAX_SESSION,
    Description: `ro2key: mimics the IAM user ${role.user}`.slice(0, 1000),
    Tags: [{ Key: MIMIC_TAG, Value: role.user }]
  }))
  return out.Role?.Arn ?? ''
}

/** The role's trust policy, set again on a reused role (ro2key's own role may have changed). */
export async function setTrust (iam: MimicIamLike, RoleName: string, trust: string): Promise<void> {
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: trust }))
}

async function attachedOf (iam: MimicIamLike, RoleName: string): Promise<string[]> {
  const out: string[] = []
  let Marker: string | undefined
  do {
    const page = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName, Marker }))
    out.push(...(page.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? ''))
    Marker = page.IsTruncated === true ? page.Marker : undefined
  } while (Marker !== undefined)
  return out
}

async function inlineOf (iam: MimicIamLike, RoleName: string): Promise<string[]> {
  const out: string[] = []
  let Marker: string | undefined
  do {
    const page = await iam.send(new ListRolePoliciesCommand({ RoleName, Marker }))
    out.push(...(page.PolicyNames ?? []))
    Marker = page.IsTruncated === true ? page.Marker : undefined
  } while (Marker !== undefined)
  return out
}

/**
 * Makes the role carry exactly `wanted`: with `prune`, first removes what the user no longer has
 * (so the limits count only what stays), then attaches and puts the rest.
 */
export async function copyPermissions (
  iam: MimicIamLike, RoleName: string, wanted: Permissions, prune: boolean
): Promise<void> {
  if (prune) {
    for (const PolicyArn of await attachedOf(iam, RoleName)) {
      if (!wanted.managed.includes(PolicyArn)) await iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn }))
    }
    for (const PolicyName of await inlineOf(iam, RoleName)) {
      if (!wanted.inline.has(PolicyName)) await iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName }))
    }
  }
  for (const PolicyArn of wanted.managed) {
    await as('AttachRolePolicy', iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn })))
  }
  for (const [PolicyName, PolicyDocument] of wanted.inline) {
    await as('PutRolePolicy', iam.send(new PutRolePolicyCommand({ RoleName, PolicyName, PolicyDocument })))
  }
}

/** Detaches and deletes every policy, then the role; a role (or policy) already gone is fine. */
export async function deleteRole (iam: MimicIamLike, RoleName: string): Promise<void> {
  let attached: string[] = []
  let inline: string[] = []
  try {
    [attached, inline] = [await attachedOf(iam, RoleName), await inlineOf(iam, RoleName)]
  } catch (err) {
    if (gone(err)) return
    throw err
  }
  for (const PolicyArn of attached) {
    await ignoringGone(() => iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn })))
  }
  for (const PolicyName of inline) {
    await ignoringGone(() => iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName })))
  }
  await ignoringGone(() => iam.send(new DeleteRoleCommand({ RoleName })))
}
