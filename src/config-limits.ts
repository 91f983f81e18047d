import { readInt, type Env } from './config.js'

/** Timeouts, limits and operational ports (see README, "Limits, health and metrics"). */
export interface Limits {
  /** overall budget of one STS call, retries included */
  stsTimeoutMs: number
  /** per caller (uid once authenticated, client IP before); 0 = off */
  rateLimitPerMinute: number
  /** answer 503 above this event-loop delay; 0 = off */
  maxEventLoopDelayMs: number
  /** how often the event-loop delay is sampled (not an env variable) */
  pressureSampleMs: number
  /** time a client has to send the whole request (headers included) */
  requestTimeoutMs: number
  /** serve /metrics on this port only (not on the API port); undefined = on the API port */
  metricsPort: number | undefined
  /** on SIGTERM, answer /ready 503 for this long before closing (lets a load balancer drain) */
  shutdownDelayMs: number
  /** Fastify trustProxy: false, true, or a comma-separated list of proxy addresses/CIDRs */
  trustProxy: boolean | string
}

function readTrustProxy (raw: string | undefined): boolean | string {
  if (raw === undefined || raw === '' || raw === 'false') return false
  return raw === 'true' ? true : raw
}

/** Reads the reliability settings; problems are appended to `problems`. */
export function readLimits (env: Env, problems: string[]): Limits {
  const metricsPort = env.METRICS_PORT ? readInt(env, 'METRICS_PORT', 0, 1, 65535, problems) : undefined
  return {
    stsTimeoutMs: readInt(env, 'STS_TIMEOUT_MS', 5000, 100, 60000, problems),
    rateLimitPerMinute: readInt(env, 'RATE_LIMIT_PER_MINUTE', 600, 0, 1_000_000, problems),
    maxEventLoopDelayMs: readInt(env, 'MAX_EVENT_LOOP_DELAY_MS', 1000, 0, 60000, problems),
    pressureSampleMs: 1000,
    requestTimeoutMs: readInt(env, 'REQUEST_TIMEOUT_MS', 10000, 1000, 120000, problems),
    metricsPort,
    shutdownDelayMs: readInt(env, 'SHUTDOWN_DELAY_MS', 0, 0, 5000, problems),
    trustProxy: readTrustProxy(env.TRUST_PROXY)
  }
}
