import type { FastifyBaseLogger } from 'fastify'
import type { Principal } from '../auth/principal.js'
import { AppError } from '../errors.js'
import type { Policy } from '../policy/policy-file.js'
import type { AccessKeys, CreatedKey, KeyStatus, KeyView } from './access-keys.js'
import { resolveCaller, type Caller, type UsersIamLike } from './caller.js'
import { proveKey, type KeyProofDeps } from './key-proof.js'
import { envelopeFor, type Envelope, type NewKeyBody } from './secret-envelope.js'

/** A new key as answered: the secret in clear or encrypted, never both. */
export interface NewKeyView extends Omit<CreatedKey, 'SecretAccessKey'> {
  SecretAccessKey?: string
  EncryptedSecretAccessKey?: string
  Replaced?: Array<{ AccessKeyId: string, Status: 'Inactive' | 'Deleted' }>
}

export interface KeysDeps extends KeyProofDeps {
  iam: UsersIamLike
  accessKeys: AccessKeys
  policy: Policy
}

/** One audit line per change to a key: who, which user, which key, its status; never the secret. */
function audit (log: FastifyBaseLogger, event: string, caller: Caller, accessKeyId: string, status: string): void {
  const { principal, userName } = caller
  log.info({ audit: { event, uid: principal.uid, iamUser: userName, accessKeyId, status } }, `access key ${event}`)
}

/** The answer for a new key: the envelope's ciphertext, else the secret (this once). */
async function answer (deps: KeysDeps, caller: Caller, key: CreatedKey, envelope: Envelope, log: FastifyBaseLogger) {
  const { SecretAccessKey: secret, ...rest } = key
  if (envelope === undefined) return { ...rest, SecretAccessKey: secret }
  try {
    return { ...rest, EncryptedSecretAccessKey: await envelope(secret) }
  } catch (err) {
    // never hand out (or keep) a key whose secret could not be sealed
    await deps.accessKeys.remove(caller.userName, key.AccessKeyId, true)
    audit(log, 'deleted', caller, key.AccessKeyId, 'Deleted')
    throw new AppError('RO2KEY_INTERNAL', { detail: 'the new secret could not be encrypted', cause: err })
  }
}

/** Self-service of the caller's own access keys (issue 15): every call acts on the caller's IAM user only. */
export function createKeys (deps: KeysDeps) {
  const { accessKeys } = deps
  const callerOf = (principal: Principal) => resolveCaller(principal, deps.policy, deps.iam)

  async function create (principal: Principal, body: NewKeyBody | undefined, log: FastifyBaseLogger) {
    // who first (a 403 never parses a key), then the key (a 400 never creates one)
    const caller = await callerOf(principal)
    const envelope = await envelopeFor(body)
    const key = await accessKeys.create(caller.userName)
    audit(log, 'created', caller, key.AccessKeyId, key.Status)
    return { caller, key, envelope }
  }

  return {
    async list (principal: Principal): Promise<{ user: string, keys: KeyView[] }> {
      const caller = await callerOf(principal)
      return { user: caller.userName, keys: await accessKeys.list(caller.userName) }
    },
    async create (principal: Principal, body: NewKeyBody | undefined, log: FastifyBaseLogger): Promise<NewKeyView> {
      const { caller, key, envelope } = await create(principal, body, log)
      return await answer(deps, caller, key, envelope, log)
    },
    async setStatus (principal: Principal, id: string, status: KeyStatus, log: FastifyBaseLogger): Promise<KeyView> {
      const caller = await callerOf(principal)
      const key = await accessKeys.setStatus(caller.userName, id, status)
      audit(log, status === 'Active' ? 'activated' : 'deactivated', caller, id, status)
      return key
    },
    async remove (principal: Principal, id: string, log: FastifyBaseLogger): Promise<void> {
      const caller = await callerOf(principal)
      await accessKeys.remove(caller.userName, id)
      audit(log, 'deleted', caller, id, 'Deleted')
    },
    /** Create, prove with sts:GetCallerIdentity, then deactivate (or delete) the other keys. */
    async rotate (
      principal: Principal, body: NewKeyBody | undefined, deleteOld: boolean, log: FastifyBaseLogger
    ): Promise<NewKeyView> {
      const { caller, key, envelope } = await create(principal, body, log)
      const view = await answer(deps, caller, key, envelope, log)
      const credentials = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey }
      if (!await proveKey(deps, credentials, caller.userArn, log)) {
        await accessKeys.remove(caller.userName, key.AccessKeyId, true)
        audit(log, 'deleted', caller, key.AccessKeyId, 'Deleted')
        throw new AppError('RO2KEY_KEY_NOT_WORKING', {
          detail: 'The new access key did not work within 60 s; it was deleted and your old key left as it was'
        })
      }
      const others = (await accessKeys.metadata(caller.userName)).filter((k) => k.AccessKeyId !== key.AccessKeyId)
      const replaced: NonNullable<NewKeyView['Replaced']> = []
      for (const { AccessKeyId: id, Status: was } of others) {
        if (deleteOld) await accessKeys.remove(caller.userName, id as string, true)
        else if (was !== 'Inactive') await accessKeys.setStatus(caller.userName, id as string, 'Inactive')
        const status = deleteOld ? 'Deleted' : 'Inactive'
        audit(log, deleteOld ? 'deleted' : 'deactivated', caller, id as string, status)
        replaced.push({ AccessKeyId: id as string, Status: status })
      }
      return { ...view, Replaced: replaced }
    }
  }
}

export type Keys = ReturnType<typeof createKeys>
