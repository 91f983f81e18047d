import { randomUUID } from 'node:crypto'
import { STSClient } from '@aws-sdk/client-sts'
import { IAMClient } from '@aws-sdk/client-iam'
import swagger, { type SwaggerOptions } from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import openapiGlue from 'fastify-openapi-glue'
import type { Dispatcher } from 'undici'
import { loadSpec, servedSpec } from './api/spec.js'
import { createAuthenticate } from './auth/authenticate.js'
import { cachingVerifier } from './auth/token-cache.js'
import { createTokenVerifier } from './auth/choose-verifier.js'
import type { TokenVerifier } from './auth/token-verifier.js'
import { createFederation } from './aws/federation.js'
import { createCredentialCache } from './aws/credential-cache.js'
import { assumeRole, type StsLike } from './aws/assume-role.js'
import type { Config } from './config.js'
import { frameworkErrors, installErrorHandlers } from './error-handler.js'
import { createGetConsole } from './handlers/console.js'
import { getHealth } from './handlers/health.js'
import { createGetKey } from './handlers/get-key.js'
import { createLogger } from './log.js'
import { createGetRoles } from './handlers/roles.js'
import { createRoleTags, type IamLike, type RoleTags } from './policy/role-tags.js'
import { logWritten } from './log-destination.js'
import { measuredVerifier } from './auth/measured-verifier.js'
import { instrumentedClient } from './aws/instrumented-client.js'
import { createUpstreamDispatcher } from './http/dispatcher.js'
import { createMetrics, type Metrics } from './metrics/metrics.js'
import { installLoadShedding } from './plugins/load-shedding.js'
import { installMetrics } from './plugins/metrics.js'
import { installRateLimit } from './plugins/rate-limit.js'
import { createGetReady, installReadiness } from './plugins/readiness.js'
import { BODY_LIMIT_BYTES, clientErrorHandler, installNoBodyOnGet } from './plugins/request-limits.js'

/** Outside dependencies; each defaults to the real one. */
export interface Deps {
  logger?: FastifyBaseLogger
  sts?: StsLike
  /** IAM, for ROLE_TEAMS_TAG */
  iam?: IamLike
  verifier?: TokenVerifier
  /** undici dispatcher for the token service and the AWS federation endpoint */
  dispatcher?: Dispatcher
  /** seconds since the epoch */
  now?: () => number
  /** metrics registry and seam; a fresh one per app by default */
  metrics?: Metrics
}

const STS_CONNECT_TIMEOUT_MS = 2000
const MAX_HEADER_BYTES = 16 * 1024
/** how often Node enforces requestTimeout on open connections (its default is 30 s) */
const CONNECTIONS_CHECK_MS = 1000

function defaultSts (config: Config): STSClient {
  // Endpoint, credentials and retries come from the SDK's own settings
  // (AWS_ENDPOINT_URL_STS, the default credential chain, AWS_MAX_ATTEMPTS).
  return new STSClient({
    region: config.awsRegion,
    requestHandler: { connectionTimeout: STS_CONNECT_TIMEOUT_MS, requestTimeout: config.limits.stsTimeoutMs }
  })
}

function defaultIam (config: Config): IAMClient {
  // Endpoint from AWS_ENDPOINT_URL_IAM, like STS above.
  return new IAMClient({
    region: config.awsRegion,
    requestHandler: { connectionTimeout: STS_CONNECT_TIMEOUT_MS, requestTimeout: config.limits.stsTimeoutMs }
  })
}

/** Role tags from IAM when ROLE_TEAMS_TAG is set; the IAM client is closed with the app when ro2key made it. */
function roleTagsFor (config: Config, deps: Deps, owned: Array<() => unknown>, metrics: Metrics, now: () => number): RoleTags | undefined {
  if (config.roleTeamsTag === undefined) return undefined
  const rawIam = deps.iam ?? defaultIam(config)
  if (!deps.iam) owned.push(() => (rawIam as IAMClient).destroy())
  const iam = instrumentedClient(rawIam, 'iam', config.limits.stsTimeoutMs, metrics)
  return createRoleTags({ iam, tagKey: config.roleTeamsTag, ttl: config.roleTagsTtl, arnPrefix: config.arnPrefix, now: () => Math.floor(now()) })
}

/** Builds the ro2key Fastify app from validated config; never listens. */
export async function buildApp (config: Config, deps: Deps = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger ?? createLogger(config.logLevel),
    genReqId: () => randomUUID(),
    routerOptions: { maxParamLength: 256 },
    http: { maxHeaderSize: MAX_HEADER_BYTES, connectionsCheckingInterval: CONNECTIONS_CHECK_MS },
    requestTimeout: config.limits.requestTimeoutMs,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.limits.trustProxy,
    clientErrorHandler,
    return503OnClosing: true,
    // HEAD /get_key would mint (and audit) credentials only to drop them
    exposeHeadRoutes: false,
    frameworkErrors
  })
  const owned: Array<() => unknown> = []
  const metrics = deps.metrics ?? createMetrics()
  const rawSts = deps.sts ?? defaultSts(config)
  if (!deps.sts) owned.push(() => (rawSts as STSClient).destroy())
  const sts = instrumentedClient(rawSts, 'sts', config.limits.stsTimeoutMs, metrics)
  const now = deps.now ?? (() => Date.now() / 1000)
  const roleTags = roleTagsFor(config, deps, owned, metrics, now)
  const dispatcher = deps.dispatcher ?? createUpstreamDispatcher(config.tokeninfoTimeoutMs)
  if (!deps.dispatcher) owned.push(() => dispatcher.close())
  const verifier = cachingVerifier(deps.verifier ?? createTokenVerifier(config, {
    dispatcher,
    now: () => Math.floor(now()),
    logger: app.log,
    instrument: (upstream, inner) => measuredVerifier(inner, metrics, upstream)
  }), {
    ttlSeconds: config.tokenCacheTtl,
    maxEntries: config.tokenCacheMaxEntries,
    now,
    onLookup: (outcome) => metrics.cacheLookup('token', outcome !== 'miss')
  })
  app.addHook('onClose', async () => { await Promise.all(owned.map((close) => close())) })
  app.decorateRequest('principal', undefined)
  app.decorateRequest('authentication', undefined)
  app.addHook('onSend', async (request, reply) => { reply.header('x-request-id', request.id) })
  // No response before its log lines (the audit line above all) are written: see log-destination.ts.
  app.addHook('onSend', (request, _reply, payload, done) => {
    const written = logWritten(request.log)
    if (written) void written.then(() => done(null, payload))
    else done(null, payload)
  })
  installErrorHandlers(app)
  const readiness = installReadiness(app)
  installMetrics(app, metrics, config.limits.metricsPort !== undefined)
  installNoBodyOnGet(app)
  await installLoadShedding(app, config.limits.maxEventLoopDelayMs, config.limits.pressureSampleMs)
  await installRateLimit(app, config.limits.rateLimitPerMinute)

  const spec = loadSpec()
  const document = servedSpec(spec, config.authUrl)
  await app.register(swagger, { mode: 'static', specification: { document } } as SwaggerOptions)
  await app.register(swaggerUi, { routePrefix: '/ui' })
  for (const url of ['/openapi.json', '/swagger.json']) {
    app.get(url, { schema: { hide: true } }, async () => app.swagger())
  }
  const credentials = createCredentialCache({
    assume: (input) => assumeRole(sts, input),
    maxAgeSeconds: config.credentialCacheMaxAge,
    maxEntries: config.credentialCacheMaxEntries,
    now
  })
  const authenticate = createAuthenticate(verifier, config.requiredScopes)
  const rawFederation = createFederation({ url: config.console.federationUrl, timeoutMs: config.console.timeoutMs, dispatcher })
  const federation = { ...rawFederation, signinToken: (...args: Parameters<typeof rawFederation.signinToken>) => metrics.timeUpstream('federation', () => rawFederation.signinToken(...args)) }
  await app.register(openapiGlue, {
    specification: spec,
    serviceHandlers: { getKey: createGetKey(config, credentials, roleTags), getHealth, getRoles: createGetRoles(config, roleTags), getConsole: createGetConsole(config, sts, federation, roleTags), getReady: createGetReady(readiness) },
    securityHandlers: { oauth2: authenticate, bearer: authenticate },
    // glue warns that no body parser exists for application/problem+json: it only
    // ever appears in responses here, so that warning is noise.
    logLevel: 'error'
  })
  return app
}
