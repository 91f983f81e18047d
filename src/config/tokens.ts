import { problem, readRaw, readSet, readString, readUrl, type Env } from './read.js'
import { FEATURES } from './sections.js'
import { VARIABLES as V } from './variables.js'

/** RFC 7662 introspection, when INTROSPECTION_URL is set. */
export interface IntrospectionConfig {
  url: string
  clientId: string
  clientSecret: string
  audience: string | undefined
}
/** JWT access tokens checked with the issuer's JWKS, when JWT_ISSUER is set. */
export interface JwtConfig { issuer: string, audience: string, jwksUrl: string | undefined }

export interface TokenVerifiers {
  tokeninfoUrl: string | undefined
  introspection: IntrospectionConfig | undefined
  jwt: JwtConfig | undefined
}

const SECTION = FEATURES.tokens.title

function readIntrospection (env: Env, problems: string[]): IntrospectionConfig | undefined {
  const set = [V.INTROSPECTION_URL, V.INTROSPECTION_CLIENT_ID, V.INTROSPECTION_CLIENT_SECRET]
  if (!readSet(env, set, SECTION, problems)) return undefined
  const url = readUrl(env, V.INTROSPECTION_URL, problems)
  if (!url) return undefined
  // The secret's value is never echoed, not even in a problem.
  return {
    url,
    clientId: env.INTROSPECTION_CLIENT_ID as string,
    clientSecret: env.INTROSPECTION_CLIENT_SECRET as string,
    audience: readString(env, V.INTROSPECTION_AUDIENCE)
  }
}

function readJwt (env: Env, problems: string[]): JwtConfig | undefined {
  // JWKS_URL is optional: without it the keys are found through the issuer's OIDC discovery.
  const complete = readSet(env, [V.JWT_ISSUER, V.JWT_AUDIENCE], SECTION, problems)
  if (!complete) {
    if (env.JWKS_URL && !env.JWT_ISSUER && !env.JWT_AUDIENCE) {
      problems.push(problem('JWKS_URL is set but JWT_ISSUER, JWT_AUDIENCE are not: these work only together', SECTION))
    }
    return undefined
  }
  const issuer = readUrl(env, V.JWT_ISSUER, problems)
  const jwksUrl = readUrl(env, V.JWKS_URL, problems)
  return issuer ? { issuer, audience: env.JWT_AUDIENCE as string, jwksUrl } : undefined
}

/** The configured verifiers; ro2key never serves unauthenticated, so at least one is required. */
export function readTokenVerifiers (env: Env, problems: string[]): TokenVerifiers {
  const tokeninfoUrl = readUrl(env, V.TOKENINFO_URL, problems)
  const introspection = readIntrospection(env, problems)
  const jwt = readJwt(env, problems)
  const any = [V.TOKENINFO_URL, V.INTROSPECTION_URL, V.JWT_ISSUER, V.JWKS_URL, V.JWT_AUDIENCE]
  if (any.every((spec) => readRaw(env, spec) === undefined)) {
    problems.push(problem('TOKENINFO_URL is not set, nor INTROSPECTION_URL or JWT_ISSUER: ro2key never serves ' +
      'unauthenticated; configure at least one token verifier', SECTION))
  }
  return { tokeninfoUrl, introspection, jwt }
}
