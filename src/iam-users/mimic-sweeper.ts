import type { FastifyBaseLogger } from 'fastify'
import type { MimicIamLike } from './mimic-permissions.js'
import { deleteRole, findRole } from './mimic-role.js'
import type { MimicItem, MimicRecords } from './mimic-store.js'

export interface MimicSweepDeps {
  iam: MimicIamLike
  records: MimicRecords
  /** whole seconds since the epoch */
  now: () => number
  log: FastifyBaseLogger
}

/** What one sweep of the mimic roles did (the grants' SweepResult shape). */
export interface MimicSweepResult { examined: number, ended: number, failed: number }

/** Claims one expired record, deletes its role (only when tagged for this user), marks it deleted. */
async function sweepOne (deps: MimicSweepDeps, item: MimicItem): Promise<boolean> {
  const claimed = await deps.records.claim(item, deps.now())
  if (claimed === undefined) return false
  const role = await findRole(deps.iam, claimed.role_name)
  if (role !== undefined && role.mimics === claimed.user) {
    await deleteRole(deps.iam, claimed.role_name)
  } else if (role !== undefined) {
    deps.log.warn({ role: claimed.role_name }, 'mimic sweep: role not tagged for this user, left alone')
  }
  const done = await deps.records.deleted(claimed)
  if (done !== undefined) {
    deps.log.info({
      audit: { event: 'mimic-role-deleted', iamUser: claimed.user, role: claimed.role_name, by: 'sweeper' }
    }, 'mimic role deleted')
  }
  return done !== undefined
}

/**
 * Himeko's himeko-clean-roles: every mimic role unused for MIMIC_ROLE_TTL is deleted (policies
 * detached and deleted, then the role). Safe with many replicas: each record is claimed first.
 */
export async function sweepMimicRoles (deps: MimicSweepDeps): Promise<MimicSweepResult> {
  const items = await deps.records.expired(deps.now())
  const result: MimicSweepResult = { examined: items.length, ended: 0, failed: 0 }
  for (const item of items) {
    try {
      if (await sweepOne(deps, item)) result.ended++
    } catch (err) {
      result.failed++
      deps.log.warn({ iamUser: item.user, err: (err as Error).message }, 'mimic sweep could not delete a role')
    }
  }
  return result
}
