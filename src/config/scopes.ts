import { problem, readList, type Env } from './read.js'
import { VARIABLES as V } from './variables.js'

/**
 * OAUTH2_SCOPE: unset (or empty, as every deploy template passes an unset parameter) means no
 * scope check; a value that names no scope (" , ") is a mistake that would silently switch the
 * check off, so it is a boot problem (exit 2).
 */
export function readScopes (env: Env, problems: string[]): string[] {
  const scopes = readList(env, V.OAUTH2_SCOPE)
  const raw = env[V.OAUTH2_SCOPE.name]
  if (scopes.length === 0 && raw !== undefined && raw !== '') {
    problems.push(problem(`OAUTH2_SCOPE ${JSON.stringify(raw)} names no scope: give scopes (space or comma ` +
      'separated), or unset it for no scope check', 'OAUTH2_SCOPE'))
  }
  return scopes
}
