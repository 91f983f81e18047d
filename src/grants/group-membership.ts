import {
  AddUserToGroupCommand, GetGroupCommand, RemoveUserFromGroupCommand, type IAMClient
} from '@aws-sdk/client-iam'
import { setTimeout as sleep } from 'node:timers/promises'
import { isNoSuchEntity, isThrottling, mapIamError, type AwsErrorShape } from '../aws/aws-errors.js'
import { AppError } from '../errors.js'

/** The IAM seam of group grants. */
export type GroupIamLike = Pick<IAMClient, 'send'>

/** IAM group membership: read, add, remove (idempotent). */
export interface GroupMembership {
  isMember (user: string, group: string): Promise<boolean>
  add (user: string, group: string): Promise<void>
  /** Removes the user; already gone counts as done. Retries with backoff on IAM trouble. */
  remove (user: string, group: string): Promise<void>
}

const RETRIES = 3
const BACKOFF_MS = 100

type AwsError = AwsErrorShape & Error

function missing (err: AwsError, user: string, group: string): AppError {
  return new AppError('RO2KEY_GRANT_CONFLICT', {
    cause: err,
    detail: `IAM user ${user} or group ${group} does not exist`
  })
}

/** Group membership through IAM (iam:GetGroup, iam:AddUserToGroup, iam:RemoveUserFromGroup). */
export function createGroupMembership (iam: GroupIamLike, opts: { backoffMs?: number } = {}): GroupMembership {
  const backoff = opts.backoffMs ?? BACKOFF_MS
  return {
    async isMember (user, group) {
      let marker: string | undefined
      try {
        do {
          const out = await iam.send(new GetGroupCommand({ GroupName: group, Marker: marker }))
          if (out.Users?.some((u) => u.UserName === user)) return true
          marker = out.IsTruncated === true ? out.Marker : undefined
        } while (marker !== undefined)
        return false
      } catch (err) {
        if (isNoSuchEntity(err as AwsError)) throw missing(err as AwsError, user, group)
        throw mapIamError(err as AwsError, 'GetGroup')
      }
    },
    async add (user, group) {
      try {
        await iam.send(new AddUserToGroupCommand({ UserName: user, GroupName: group }))
      } catch (err) {
        if (isNoSuchEntity(err as AwsError)) throw missing(err as AwsError, user, group)
        throw mapIamError(err as AwsError, 'AddUserToGroup')
      }
    },
    async remove (user, group) {
      for (let attempt = 0; ; attempt++) {
        try {
          await iam.send(new RemoveUserFromGroupCommand({ UserName: user, GroupName: group }))
          return
        } catch (err) {
          if (isNoSuchEntity(err as AwsError)) return
          const retryable = isThrottling(err as AwsError) || (err as AwsError).$fault !== 'client'
          if (!retryable || attempt >= RETRIES) throw mapIamError(err as AwsError, 'RemoveUserFromGroup')
          await sleep(backoff * 2 ** attempt)
        }
      }
    }
  }
}
