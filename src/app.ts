import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { loadSpec } from './api/spec.js'
import type { Config } from './config/index.js'
import { clientErrorHandler, errorHandler, frameworkErrors } from './error-handler.js'
import { createLogger } from './log.js'
import { grantsPlugin } from './grants/plugin.js'
import { metricsPlugin } from './metrics/plugin.js'
import { authentication } from './plugins/authentication.js'
import { loadShedding } from './plugins/load-shedding.js'
import { logFlush } from './plugins/log-flush.js'
import { openapi } from './plugins/openapi.js'
import { rateLimitPlugin } from './plugins/rate-limit.js'
import { readiness } from './plugins/readiness.js'
import { requestId } from './plugins/request-id.js'
import { BODY_LIMIT_BYTES, requestLimits } from './plugins/request-limits.js'
import { routes } from './routes/index.js'
import { createServices, type ServiceDeps } from './services.js'

/** Outside dependencies; each defaults to the real one. */
export interface Deps extends ServiceDeps {
  logger?: FastifyBaseLogger
}

const MAX_HEADER_BYTES = 16 * 1024
/** how often Node enforces requestTimeout on open connections (its default is 30 s) */
const CONNECTIONS_CHECK_MS = 1000

/** Builds the ro2key Fastify app from validated config; never listens. */
export async function buildApp (config: Config, deps: Deps = {}): Promise<FastifyInstance> {
  const { limits } = config
  const app = Fastify({
    loggerInstance: deps.logger ?? createLogger(config.logLevel),
    genReqId: () => randomUUID(),
    routerOptions: { maxParamLength: 256 },
    http: { maxHeaderSize: MAX_HEADER_BYTES, connectionsCheckingInterval: CONNECTIONS_CHECK_MS },
    requestTimeout: limits.requestTimeoutMs,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: limits.trustProxy,
    clientErrorHandler,
    return503OnClosing: true,
    // HEAD /get_key would mint (and audit) credentials only to drop them
    exposeHeadRoutes: false,
    frameworkErrors
  })
  const services = await createServices(config, { ...deps, logger: app.log })
  app.addHook('onClose', async () => { await services.close() })
  const spec = loadSpec()
  // Hooks run in the order registered: request id and log flush first, as every response needs them.
  await app.register(authentication, { verifier: services.verifier, requiredScopes: config.requiredScopes })
  await app.register(requestId)
  await app.register(logFlush)
  await app.register(errorHandler)
  await app.register(readiness)
  await app.register(metricsPlugin, { metrics: services.metrics, separatePort: limits.metricsPort !== undefined })
  await app.register(requestLimits)
  await app.register(loadShedding, {
    maxEventLoopDelayMs: limits.maxEventLoopDelayMs,
    sampleIntervalMs: limits.pressureSampleMs
  })
  await app.register(rateLimitPlugin, { perMinute: limits.rateLimitPerMinute })
  await app.register(openapi, { spec, authUrl: config.authUrl })
  const sweepTasks = services.mimic ? [{ name: 'mimicRoles', run: services.mimic.sweep }] : []
  await app.register(grantsPlugin, { service: services.grants, config: config.store, tasks: sweepTasks })
  await app.register(routes, { spec, config, services })
  // the web pages' plugins (sessions, helmet, csrf) are loaded only when WEB is on (issue 19: start-up)
  if (config.web !== undefined) {
    const { webPages } = await import('./web/plugin.js')
    await app.register(webPages, { config, web: config.web, services, now: deps.now })
  }
  return app
}
