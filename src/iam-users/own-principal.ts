import { GetRoleCommand } from '@aws-sdk/client-iam'
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import type { StsLike } from '../aws/assume-role.js'
import { mapStsError, type AwsErrorShape } from '../aws/aws-errors.js'
import { assumedRoleName, principalArnOf } from './mimic-names.js'
import type { MimicIamLike } from './mimic-permissions.js'

/**
 * ro2key's own principal ARN, for the mimic roles' trust policy: sts:GetCallerIdentity (no
 * permission needed) once, cached; an assumed-role ARN becomes the role's ARN, with the role's path
 * from iam:GetRole when ro2key may read it. A failure is not cached: the next use asks again.
 */
export function createOwnPrincipal (sts: StsLike, iam: MimicIamLike): () => Promise<string> {
  let cached: Promise<string> | undefined
  const lookup = async (): Promise<string> => {
    let arn: string
    try {
      arn = (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? ''
    } catch (err) {
      throw mapStsError(err as AwsErrorShape & Error)
    }
    const role = assumedRoleName(arn)
    if (role === undefined) return arn
    try {
      const path = (await iam.send(new GetRoleCommand({ RoleName: role }))).Role?.Path ?? '/'
      return principalArnOf(arn, path)
    } catch {
      return principalArnOf(arn)
    }
  }
  return async () => {
    cached ??= lookup().catch((err: unknown) => { cached = undefined; throw err })
    return await cached
  }
}
