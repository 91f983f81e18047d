import { readInt, type Env } from './read.js'
import { readTrustProxy } from './trust-proxy.js'
import { VARIABLES as V } from './variables.js'

/** Timeouts, limits and operational ports (docs/configuration.md, "Limits, health and metrics"). */
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

const PRESSURE_SAMPLE_MS = 1000

/** Reads the reliability settings; problems are appended to `problems`. */
export function readLimits (env: Env, problems: string[]): Limits {
  const metricsPort = readInt(env, V.METRICS_PORT, problems)
  return {
    stsTimeoutMs: readInt(env, V.STS_TIMEOUT_MS, problems),
    rateLimitPerMinute: readInt(env, V.RATE_LIMIT_PER_MINUTE, problems),
    maxEventLoopDelayMs: readInt(env, V.MAX_EVENT_LOOP_DELAY_MS, problems),
    pressureSampleMs: PRESSURE_SAMPLE_MS,
    requestTimeoutMs: readInt(env, V.REQUEST_TIMEOUT_MS, problems),
    metricsPort,
    shutdownDelayMs: readInt(env, V.SHUTDOWN_DELAY_MS, problems),
    trustProxy: readTrustProxy(env, problems)
  }
}
