import type { Config } from './config/index.js'
import type { GrantsService } from './grants/create.js'
import type { IamUsersDeps, IamUsersService } from './iam-users/create.js'
import type { MimicServiceDeps, MimicService } from './iam-users/create-mimic.js'

type Deps = IamUsersDeps & Omit<MimicServiceDeps, 'iam' | 'now' | 'sleep'>

/**
 * The IAM-user features (issue 15), loaded only when the policy has iam_users (and, for mimic
 * roles, STORE_TABLE is set), so a plain deployment never loads @aws-sdk/client-iam (issue 19).
 */
export async function createIamUserServices (
  config: Config, deps: Deps, grants: GrantsService | undefined
): Promise<{ iamUsers: IamUsersService | undefined, mimic: MimicService | undefined }> {
  if (config.policy.iamUsers === undefined) return { iamUsers: undefined, mimic: undefined }
  const iamUsers = (await import('./iam-users/create.js')).createIamUsersService(config, deps)
  const mimic = config.store === undefined || iamUsers === undefined
    ? undefined
    : (await import('./iam-users/create-mimic.js')).createMimicService(config, {
        ...deps, iam: iamUsers.iam, dynamodb: deps.dynamodb ?? grants?.dynamodb
      })
  return { iamUsers, mimic }
}
