import * as oidc from 'openid-client'
import type { WebConfig } from '../config/web.js'
import { isLoopback } from '../config/web.js'
import { listClaim } from '../auth/token-verifier.js'
import { AppError, RETRY_AFTER_SECONDS } from '../errors.js'
import type { PendingLogin, WebUser } from './session.js'

export interface OidcLogin {
  /** a fresh state, nonce and PKCE verifier, and the IdP URL to send the browser to */
  start (opts?: { maxAge?: number, acrValues?: string }): Promise<{ url: string, pending: PendingLogin }>
  /** exchanges the code (client_secret_basic), verifies the ID token; the person it names */
  finish (callbackUrl: URL, pending: PendingLogin): Promise<WebUser>
}

export interface OidcLoginOptions {
  web: WebConfig
  uidClaim: string | undefined
  teamClaim: string
  timeoutMs: number
  now: () => number
}

const SCOPE = 'openid profile email'

function unavailable (cause: unknown): AppError {
  return new AppError('RO2KEY_UPSTREAM_UNAVAILABLE', {
    detail: 'The identity provider cannot be reached; try again later',
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    cause
  })
}

/** What went wrong, in words safe to show: the IdP's error code or the check that failed, never a token. */
function refused (err: unknown): AppError {
  if (err instanceof oidc.AuthorizationResponseError || err instanceof oidc.ResponseBodyError) {
    return new AppError('RO2KEY_SIGN_IN_FAILED', { detail: `The identity provider answered ${err.error}`, cause: err })
  }
  if (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('OAUTH_')) {
    const detail = `The sign-in response did not check out (${err.code})`
    return new AppError('RO2KEY_SIGN_IN_FAILED', { detail, cause: err })
  }
  return unavailable(err)
}

/** openid-client against OIDC_ISSUER; discovery once, retried after a failure. */
export function createOidcLogin (opts: OidcLoginOptions): OidcLogin {
  const { web } = opts
  const redirectUri = `${web.publicUrl}/auth/callback`
  let discovered: Promise<oidc.Configuration> | undefined
  const configuration = async (): Promise<oidc.Configuration> => {
    discovered ??= oidc.discovery(new URL(web.issuer), web.clientId, web.clientSecret,
      oidc.ClientSecretBasic(web.clientSecret), {
        timeout: Math.ceil(opts.timeoutMs / 1000),
        execute: isLoopback(web.issuer) ? [oidc.allowInsecureRequests] : []
      })
    try {
      return await discovered
    } catch (err) {
      discovered = undefined
      throw unavailable(err)
    }
  }
  return {
    async start ({ maxAge, acrValues } = {}) {
      const config = await configuration()
      const pending: PendingLogin = {
        state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier(), maxAge
      }
      const params: Record<string, string> = {
        redirect_uri: redirectUri,
        scope: SCOPE,
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: 'S256'
      }
      if (maxAge !== undefined) params.max_age = String(maxAge)
      if (acrValues !== undefined) params.acr_values = acrValues
      return { url: oidc.buildAuthorizationUrl(config, params).href, pending }
    },
    async finish (callbackUrl, pending) {
      const config = await configuration()
      let claims: oidc.IDToken | undefined
      try {
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          maxAge: pending.maxAge,
          idTokenExpected: true
        })
        claims = tokens.claims()
      } catch (err) {
        throw refused(err)
      }
      return userOf(claims as Record<string, unknown>, opts)
    }
  }
}

/** The ID token's claims -> the session's person, with the API's UID_CLAIM / TEAM_CLAIM rules. */
export function userOf (claims: Record<string, unknown>, opts: Omit<OidcLoginOptions, 'web' | 'timeoutMs'> & {
  web: Pick<WebConfig, 'sessionTtl'>
}): WebUser {
  const uid = claims[opts.uidClaim ?? 'sub']
  if (typeof uid !== 'string' || uid === '') {
    throw new AppError('RO2KEY_SIGN_IN_FAILED', { detail: `The ID token has no ${opts.uidClaim ?? 'sub'} claim` })
  }
  return {
    uid,
    teams: listClaim(claims[opts.teamClaim]),
    realm: String(claims.iss),
    amr: listClaim(claims.amr),
    acr: typeof claims.acr === 'string' ? claims.acr : undefined,
    authTime: typeof claims.auth_time === 'number' ? claims.auth_time : undefined,
    expiresAt: Math.floor(opts.now()) + opts.web.sessionTtl
  }
}
