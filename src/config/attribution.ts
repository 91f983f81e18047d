import { problem, readBool, readInt, readString, type Env } from './read.js'
import { VARIABLES as V } from './variables.js'

/** IAM tag keys: 1-128 of letters, digits, spaces and _.:/=+-@, not starting with aws: */
const TAG_KEY = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/iu

export interface Attribution {
  /** IAM role tag whose value lists the teams allowed to use the role; unset = tags not read */
  roleTeamsTag: string | undefined
  /** seconds a role's tags (and the tagged-role listing) are cached */
  roleTagsTtl: number
  /** AssumeRole sets SourceIdentity to the caller's uid */
  sourceIdentity: boolean
  /** AssumeRole sends session tags ro2key:uid, ro2key:team, ro2key:realm */
  sessionTags: boolean
  /** the session tags are marked transitive (survive role chaining) */
  transitiveTags: boolean
}

/** Role tags and what AssumeRole says about the caller. */
export function readAttribution (env: Env, problems: string[]): Attribution {
  const roleTeamsTag = readString(env, V.ROLE_TEAMS_TAG)
  if (roleTeamsTag !== undefined && !TAG_KEY.test(roleTeamsTag)) {
    problems.push(problem('ROLE_TEAMS_TAG must be an IAM tag key (1-128 of letters, digits, spaces and _.:/=+-@, ' +
      `not starting with aws:), got "${roleTeamsTag}"`, 'ROLE_TEAMS_TAG'))
  }
  const sessionTags = readBool(env, V.SESSION_TAGS, problems)
  const transitiveTags = readBool(env, V.TRANSITIVE_TAGS, problems)
  if (transitiveTags && !sessionTags) {
    problems.push(problem('TRANSITIVE_TAGS=true needs SESSION_TAGS=true (only session tags can be transitive)',
      'TRANSITIVE_TAGS'))
  }
  return {
    roleTeamsTag,
    roleTagsTtl: readInt(env, V.ROLE_TAGS_TTL, problems),
    sourceIdentity: readBool(env, V.SOURCE_IDENTITY, problems),
    sessionTags,
    transitiveTags
  }
}
