import {
  GetGroupPolicyCommand, GetUserPolicyCommand, ListAttachedGroupPoliciesCommand, ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand, ListGroupsForUserCommand, ListUserPoliciesCommand, type IAMClient
} from '@aws-sdk/client-iam'
import { groupPolicyName } from './mimic-names.js'

/** The IAM seam of the mimic roles: anything with IAMClient's `send`. */
export type MimicIamLike = Pick<IAMClient, 'send'>

/** What a mimic role carries: managed policy ARNs (sorted, unique) and inline policies by name. */
export interface Permissions {
  managed: string[]
  inline: Map<string, string>
}

interface Page { IsTruncated?: boolean, Marker?: string }

/** Every page of a Marker-paginated IAM list call. */
async function all<P extends Page, T> (call: (marker?: string) => Promise<P>, items: (page: P) => T[]): Promise<T[]> {
  const out: T[] = []
  let marker: string | undefined
  do {
    const page = await call(marker)
    out.push(...items(page))
    marker = page.IsTruncated === true ? page.Marker : undefined
  } while (marker !== undefined)
  return out
}

/** IAM answers policy documents URL-encoded (RFC 3986). */
const decoded = (document: string | undefined): string => decodeURIComponent(document ?? '{}')

/**
 * The user's permissions as a role can carry them: its own and its groups' managed policies
 * (deduplicated), its inline policies under their names, each group's inline policy as
 * `<group>_<policy>`. IAM errors are thrown as they come (the caller maps them).
 */
export async function userPermissions (iam: MimicIamLike, user: string): Promise<Permissions> {
  const UserName = user
  const groups = await all((Marker) => iam.send(new ListGroupsForUserCommand({ UserName, Marker })),
    (p) => (p.Groups ?? []).map((g) => g.GroupName ?? ''))
  const managed = new Set(await all((Marker) => iam.send(new ListAttachedUserPoliciesCommand({ UserName, Marker })),
    (p) => (p.AttachedPolicies ?? []).map((a) => a.PolicyArn ?? '')))
  const inline = new Map<string, string>()
  const userPolicies = await all((Marker) => iam.send(new ListUserPoliciesCommand({ UserName, Marker })),
    (p) => p.PolicyNames ?? [])
  for (const PolicyName of userPolicies) {
    const out = await iam.send(new GetUserPolicyCommand({ UserName, PolicyName }))
    inline.set(PolicyName, decoded(out.PolicyDocument))
  }
  for (const GroupName of groups) {
    const attached = await all((Marker) => iam.send(new ListAttachedGroupPoliciesCommand({ GroupName, Marker })),
      (p) => (p.AttachedPolicies ?? []).map((a) => a.PolicyArn ?? ''))
    attached.forEach((arn) => managed.add(arn))
    const names = await all((Marker) => iam.send(new ListGroupPoliciesCommand({ GroupName, Marker })),
      (p) => p.PolicyNames ?? [])
    for (const PolicyName of names) {
      const out = await iam.send(new GetGroupPolicyCommand({ GroupName, PolicyName }))
      inline.set(groupPolicyName(GroupName, PolicyName), decoded(out.PolicyDocument))
    }
  }
  managed.delete('')
  return { managed: [...managed].sort(), inline }
}
