import csrf from '@fastify/csrf-protection'
import formbody from '@fastify/formbody'
import helmet from '@fastify/helmet'
import secureSession from '@fastify/secure-session'
import type { FastifyError, FastifyInstance } from 'fastify'
import type { Config, } from '../config/index.js'
import type { WebConfig } from '../config/web.js'
import { toAppError } from '../error-handler.js'
import { AppError, toProblem } from '../errors.js'
import type { Services } from '../services.js'
import { COPY_JS, WEB_CSS } from './assets.js'
import { authRoutes } from './auth-routes.js'
import { meRoutes } from './me-routes.js'
import { createOidcLogin } from './oidc.js'
import { errorPage } from './pages/error.js'
import { homeSections } from './pages/registry.js'
import { SESSION_COOKIE } from './session.js'

export interface WebOptions {
  config: Config
  web: WebConfig
  services: Services
  /** seconds since the epoch */
  now?: () => number
}

const ASSET_MAX_AGE = 'public, max-age=3600'

function csrfError (err: FastifyError): AppError | undefined {
  if (err.code?.startsWith('FST_CSRF_') !== true) return undefined
  return new AppError('RO2KEY_CSRF_TOKEN_INVALID', { detail: 'Reload the page and submit the form again' })
}

/** Every error under the web page as an HTML page (same status, code and safe detail as problem+json). */
function htmlErrors (app: FastifyInstance): void {
  app.setErrorHandler((raw: FastifyError, request, reply) => {
    const err = csrfError(raw) ?? toAppError(raw)
    const cause = err.cause instanceof Error ? err.cause.message : undefined
    if (err.statusCode >= 500) request.log.error({ code: err.code, status: err.statusCode, cause }, err.title)
    else request.log.info({ code: err.code, status: err.statusCode, cause }, err.title)
    const problem = toProblem(err, request.url.split('?')[0] ?? '', request.id)
    return reply.code(err.statusCode).headers(err.headers).header('cache-control', 'no-store')
      .type('text/html; charset=utf-8').send(errorPage(problem))
  })
}

/**
 * The web page for people (an encapsulated context: its cookie, CSRF, CSP and form parser touch
 * no API route). Registered by app.ts only when OIDC_ISSUER is set.
 */
export async function webPages (app: FastifyInstance, { config, web, services, now }: WebOptions): Promise<void> {
  const clock = now ?? (() => Date.now() / 1000)
  await app.register(secureSession, {
    key: web.sessionKey,
    cookieName: SESSION_COOKIE,
    expiry: web.sessionTtl,
    cookie: { path: '/', httpOnly: true, secure: true, sameSite: 'lax', maxAge: web.sessionTtl }
  })
  await app.register(csrf, { sessionPlugin: '@fastify/secure-session' })
  await app.register(formbody)
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        // Open console posts here and is sent on to the AWS federation endpoint (a redirect the
        // browser checks against form-action too), then to the console.
        formAction: ["'self'", new URL(config.console.federationUrl).origin, 'https:'],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"]
      }
    }
  })
  htmlErrors(app)
  app.get('/assets/copy.js', async (_request, reply) =>
    await reply.type('text/javascript; charset=utf-8').header('cache-control', ASSET_MAX_AGE).send(COPY_JS))
  app.get('/assets/web.css', async (_request, reply) =>
    await reply.type('text/css; charset=utf-8').header('cache-control', ASSET_MAX_AGE).send(WEB_CSS))
  const login = createOidcLogin({
    web, uidClaim: config.uidClaim, teamClaim: config.teamClaim, timeoutMs: config.tokeninfoTimeoutMs, now: clock
  })
  authRoutes(app, web, login)
  meRoutes(app, config, services, homeSections(config, services), clock)
}
