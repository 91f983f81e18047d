import {
  CreateAccessKeyCommand, DeleteAccessKeyCommand, GetAccessKeyLastUsedCommand, ListAccessKeysCommand,
  UpdateAccessKeyCommand, type AccessKeyMetadata
} from '@aws-sdk/client-iam'
import { isNoSuchEntity, mapIamError, type AwsErrorShape } from '../aws/aws-errors.js'
import { AppError } from '../errors.js'
import type { UsersIamLike } from './caller.js'

/** IAM's quota AccessKeysPerUser: two keys, active or not. */
export const MAX_KEYS_PER_USER = 2
/** What IAM's GetAccessKeyLastUsed answers for a key never used. */
const NOT_USED = 'N/A'

export type KeyStatus = 'Active' | 'Inactive'

/** One key as GET /keys shows it; the last-used fields are null for a key never used. */
export interface KeyView {
  AccessKeyId: string
  Status: KeyStatus
  CreateDate: string
  LastUsedDate: string | null
  LastUsedService: string | null
  LastUsedRegion: string | null
}

/** A key just created: the only time its secret exists outside IAM. */
export interface CreatedKey {
  AccessKeyId: string
  SecretAccessKey: string
  Status: 'Active'
  CreateDate: string
}

type AwsError = AwsErrorShape & Error

export const keyNotFound = (): AppError => new AppError('RO2KEY_KEY_NOT_FOUND', {
  detail: 'Your IAM user has no access key with this id'
})
const keyLimit = (user: string): AppError => new AppError('RO2KEY_KEY_LIMIT', {
  detail: `IAM user ${user} already has ${MAX_KEYS_PER_USER} access keys (IAM's limit): delete one first`
})
const iso = (date: Date | undefined): string => (date ?? new Date(0)).toISOString()
const usedOrNull = (value: string | undefined): string | null =>
  value === undefined || value === NOT_USED ? null : value

/** One IAM call; a missing key is 404, the quota 409, anything else the IAM mapping (502/503). */
async function call<T> (action: string, user: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (isNoSuchEntity(err as AwsError)) throw keyNotFound()
    if ((err as AwsError).name === 'LimitExceeded' || (err as AwsError).name === 'LimitExceededException') {
      throw keyLimit(user)
    }
    throw mapIamError(err as AwsError, action)
  }
}

/** The access keys of one IAM user, through IAM (iam:ListAccessKeys, GetAccessKeyLastUsed, Create/Update/Delete). */
export function createAccessKeys (iam: UsersIamLike) {
  async function metadata (user: string): Promise<AccessKeyMetadata[]> {
    const out: AccessKeyMetadata[] = []
    let marker: string | undefined
    do {
      const page = await call('ListAccessKeys', user, () =>
        iam.send(new ListAccessKeysCommand({ UserName: user, Marker: marker })))
      out.push(...(page.AccessKeyMetadata ?? []))
      marker = page.IsTruncated === true ? page.Marker : undefined
    } while (marker !== undefined)
    return out
  }

  async function view (user: string, key: AccessKeyMetadata): Promise<KeyView> {
    const id = key.AccessKeyId as string
    const { AccessKeyLastUsed: used } = await call('GetAccessKeyLastUsed', user, () =>
      iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: id })))
    return {
      AccessKeyId: id,
      Status: key.Status as KeyStatus,
      CreateDate: iso(key.CreateDate),
      LastUsedDate: used?.LastUsedDate ? used.LastUsedDate.toISOString() : null,
      LastUsedService: usedOrNull(used?.ServiceName),
      LastUsedRegion: usedOrNull(used?.Region)
    }
  }

  /** The user's key with this id, else 404 (a key of another user looks exactly like a missing one). */
  async function owned (user: string, id: string): Promise<AccessKeyMetadata> {
    const key = (await metadata(user)).find((k) => k.AccessKeyId === id)
    if (key === undefined) throw keyNotFound()
    return key
  }

  return {
    metadata,
    async list (user: string): Promise<KeyView[]> {
      const keys = await metadata(user)
      return await Promise.all(keys.map((key) => view(user, key)))
    },
    /** 409 before calling IAM when the user is at the quota; IAM's own LimitExceeded is 409 as well. */
    async create (user: string): Promise<CreatedKey> {
      if ((await metadata(user)).length >= MAX_KEYS_PER_USER) throw keyLimit(user)
      const { AccessKey: key } = await call('CreateAccessKey', user, () =>
        iam.send(new CreateAccessKeyCommand({ UserName: user })))
      if (key?.AccessKeyId === undefined || key.SecretAccessKey === undefined) {
        throw new AppError('RO2KEY_UPSTREAM_BAD_RESPONSE', { detail: 'IAM answered CreateAccessKey without a key' })
      }
      return {
        AccessKeyId: key.AccessKeyId,
        SecretAccessKey: key.SecretAccessKey,
        Status: 'Active',
        CreateDate: iso(key.CreateDate)
      }
    },
    async setStatus (user: string, id: string, status: KeyStatus): Promise<KeyView> {
      const key = await owned(user, id)
      await call('UpdateAccessKey', user, () =>
        iam.send(new UpdateAccessKeyCommand({ UserName: user, AccessKeyId: id, Status: status })))
      return await view(user, { ...key, Status: status })
    },
    /** Deletes the user's own key; `known` skips the ownership read when the caller just listed it. */
    async remove (user: string, id: string, known = false): Promise<void> {
      if (!known) await owned(user, id)
      await call('DeleteAccessKey', user, () =>
        iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: id })))
    }
  }
}

export type AccessKeys = ReturnType<typeof createAccessKeys>
