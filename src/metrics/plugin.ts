import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Metrics } from './metrics.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** the metrics seam: handlers and clients record through it */
    metrics: Metrics
  }
}

export interface MetricsOptions {
  metrics: Metrics
  /** METRICS_PORT is set: /metrics is served by buildMetricsServer, not by the app */
  separatePort: boolean
}

/** The route label: the template Fastify matched, never the raw URL (it may hold anything). */
export function routeLabel (request: FastifyRequest): string {
  return request.is404 ? 'unmatched' : request.routeOptions.url ?? 'unmatched'
}

function addMetricsRoute (app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType)
    return await metrics.registry.metrics()
  })
}

/** Decorates app.metrics, counts every response, and serves /metrics unless it has its own port. */
export const metricsPlugin = fp<MetricsOptions>(async function metricsPlugin (app, { metrics, separatePort }) {
  app.decorate('metrics', metrics)
  // a callback hook: no promise per response on the hot path
  app.addHook('onResponse', (request, reply, done) => {
    metrics.request(request.method, routeLabel(request), reply.statusCode, reply.elapsedTime / 1000)
    done()
  })
  if (!separatePort) addMetricsRoute(app, metrics)
}, { name: 'metrics' })

/** A bare server for METRICS_PORT: only GET /metrics (keep it off the public network). */
export async function buildMetricsServer (metrics: Metrics, logger: FastifyBaseLogger): Promise<FastifyInstance> {
  // Fastify 5.7 deprecates disableRequestLogging as an option (FSTDEP023): a LogController says it.
  const logController = new LogController({ disableRequestLogging: true })
  const server = Fastify({ loggerInstance: logger.child({ server: 'metrics' }), logController })
  addMetricsRoute(server, metrics)
  await server.ready()
  return server
}
