import { needsStore } from '../policy/eligible.js'
import type { Policy } from '../policy/policy-file.js'
import { problem, readBool, readInt, readString, type Env } from './read.js'
import { VARIABLES as V } from './variables.js'

/** The state store and its sweeper (issue 14); undefined without STORE_TABLE. */
export interface StoreConfig {
  table: string
  /** create the table at boot when missing */
  create: boolean
  /** seconds between in-process sweeps; 0 = off */
  sweepInterval: number
}

/** STORE_TABLE, STORE_CREATE, SWEEP_INTERVAL; a policy with an eligible section needs STORE_TABLE. */
export function readStoreConfig (env: Env, policy: Policy | undefined, problems: string[]): StoreConfig | undefined {
  const table = readString(env, V.STORE_TABLE)
  const create = readBool(env, V.STORE_CREATE, problems)
  const sweepInterval = readInt(env, V.SWEEP_INTERVAL, problems)
  if (table !== undefined && !/^[\w.-]{3,255}$/.test(table)) {
    problems.push(problem(`STORE_TABLE must be a DynamoDB table name ([A-Za-z0-9_.-], 3-255), got "${table}"`,
      'STORE_TABLE'))
  }
  if (table === undefined) {
    if (policy !== undefined && needsStore(policy.teams)) {
      problems.push(problem('the policy has an eligible section (time-boxed grants) but STORE_TABLE is not set: ' +
        'name the DynamoDB table that keeps the grants', 'STORE_TABLE'))
    }
    return undefined
  }
  return { table, create, sweepInterval }
}
