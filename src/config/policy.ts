import { parse } from 'yaml'
import { buildPolicy, loadPolicyFile, type Policy } from '../policy/policy-file.js'
import { lineLocator } from '../policy/yaml-lines.js'
import { problem, readRaw, type Env } from './read.js'
import { VARIABLES as V } from './variables.js'

/** POLICY_FILE, else POLICY inline; optional (empty) when role tags name the teams. */
export function readPolicy (env: Env, problems: string[]): Policy | undefined {
  const file = readRaw(env, V.POLICY_FILE)
  const inline = readRaw(env, V.POLICY)
  try {
    if (file) return loadPolicyFile(file)
    if (inline) return buildPolicy(parse(inline), 'POLICY', lineLocator(inline))
  } catch (err) {
    const name = file ? 'POLICY_FILE' : 'POLICY'
    problems.push(problem(`${name}: ${(err as Error).message}`, name))
    return undefined
  }
  if (readRaw(env, V.ROLE_TEAMS_TAG)) return { teams: new Map(), members: new Map() }
  problems.push(problem('POLICY_FILE is not set: name a YAML or JSON file that maps teams to roles, ' +
    'or set ROLE_TEAMS_TAG', 'POLICY_FILE'))
  return undefined
}
