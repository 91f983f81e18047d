import type { Moto } from './moto.js'

interface AssumedRoleRecord { session_name: string, role_arn: string, access_key_id: string }

/** AssumeRole calls moto has answered (its own record), optionally for one session name. */
export async function assumeRoleCalls (moto: Pick<Moto, 'url'>, sessionName?: string): Promise<number> {
  const res = await fetch(`${moto.url}/moto-api/data.json`)
  const data = await res.json() as { sts?: { AssumedRole?: AssumedRoleRecord[] } }
  const all = data.sts?.AssumedRole ?? []
  return sessionName === undefined ? all.length : all.filter((r) => r.session_name === sessionName).length
}
