import type { FastifyBaseLogger } from 'fastify'
import { AppError } from '../errors.js'
import type { MimicConfig } from '../config/mimic.js'
import { mimicIamError } from './mimic-errors.js'
import { mimicRoleName, trustPolicy } from './mimic-names.js'
import { userPermissions, type MimicIamLike } from './mimic-permissions.js'
import { copyPermissions, createRole, findRole, setTrust } from './mimic-role.js'
import type { MimicItem, MimicRecords } from './mimic-store.js'

export interface MimicRolesDeps {
  iam: MimicIamLike
  records: MimicRecords
  config: MimicConfig
  /** ro2key's own principal ARN (own-principal.ts) */
  ownPrincipal: () => Promise<string>
  /** whole seconds since the epoch */
  now: () => number
  log: FastifyBaseLogger
}

/** A usable mimic role: its ARN and when its permissions were copied. */
export interface MimicRole { arn: string, name: string, copiedAt: number }

const notReady = (detail: string): AppError => new AppError('RO2KEY_MIMIC_ROLE_NOT_READY', { detail })

async function step<T> (name: string, role: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    throw mimicIamError(err, name, role)
  }
}

/** The roles that mimic IAM users: made on first use, reused and extended after, re-copied on demand. */
export function createMimicRoles (deps: MimicRolesDeps) {
  const { iam, records, config, log } = deps
  const usable = (item: MimicItem | undefined, now: number): item is MimicItem =>
    item?.status === 'active' && item.expires_at > now && item.role_arn !== ''

  async function copy (user: string, name: string, previous: MimicItem | undefined): Promise<MimicRole> {
    const existing = await step('GetRole', name, () => findRole(iam, name))
    if (existing !== undefined && existing.mimics !== user) {
      throw new AppError('RO2KEY_MIMIC_ROLE_CONFLICT', {
        detail: `IAM has a role ${name} that ro2key did not make (no tag ro2key:mimics=${user}); it is left alone`
      })
    }
    const now = deps.now()
    const begun = await records.begin(user, name, now, previous)
    if (begun === undefined) throw notReady('another request is preparing this role; try again')
    const trust = trustPolicy(await deps.ownPrincipal())
    const wanted = await step('ListUserPolicies', name, () => userPermissions(iam, user))
    const arn = existing === undefined
      ? await step('CreateRole', name, () => createRole(iam, { name, path: config.path, trust, user }))
      : existing.arn
    if (existing !== undefined) await step('UpdateAssumeRolePolicy', name, () => setTrust(iam, name, trust))
    await step('CopyPermissions', name, () => copyPermissions(iam, name, wanted, existing !== undefined))
    if (await records.ready(begun, arn) === undefined) throw notReady('the role record changed meanwhile; try again')
    log.info({
      audit: {
        event: existing === undefined ? 'mimic-role-created' : 'mimic-role-copied',
        iamUser: user,
        role: arn,
        managed: wanted.managed.length,
        inline: wanted.inline.size
      }
    }, 'mimic role ready')
    return { arn, name, copiedAt: now }
  }

  return {
    /** The user's mimic role, made or re-copied (`recreate`) when needed, its life extended. */
    async ensure (user: string, recreate = false): Promise<MimicRole> {
      const name = mimicRoleName(config.prefix, user)
      if (name === undefined) {
        throw new AppError('RO2KEY_IAM_LIMIT_EXCEEDED', {
          detail: `role name ${config.prefix}${user} is over IAM's 64 characters: shorten MIMIC_ROLE_PREFIX`
        })
      }
      const item = await records.read(user)
      if (item?.status === 'deleting') throw notReady('the role is being deleted (expired); try again shortly')
      const now = deps.now()
      if (!recreate && usable(item, now)) {
        // a concurrent request extended it already: fine, as long as it is still usable
        if (await records.touch(item, now) === undefined && !usable(await records.read(user), now)) {
          throw notReady('the role record changed meanwhile; try again')
        }
        return { arn: item.role_arn, name, copiedAt: item.copied_at }
      }
      return await copy(user, name, item)
    }
  }
}

export type MimicRoles = ReturnType<typeof createMimicRoles>
