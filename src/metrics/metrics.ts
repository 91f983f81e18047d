import { Counter, Histogram, Registry, collectDefaultMetrics, type LabelValues } from 'prom-client'
import { AppError } from '../errors.js'

/** How an outside call ended: answered, refused the caller (4xx), timed out, throttled (AWS), or failed. */
export type Outcome = 'ok' | 'rejected' | 'timeout' | 'throttled' | 'error'

/**
 * The metrics seam other code increments. Labels carry only bounded, non-secret values:
 * route templates, status codes, role and team names, upstream and cache names. Never a
 * token, a secret, a uid or a raw URL.
 */
export interface Metrics {
  registry: Registry
  /** one finished HTTP request (route is the template, e.g. /get_key/:role_name) */
  request (method: string, route: string, status: number, seconds: number): void
  /** one credential handed out */
  credentialIssued (role: string, teams: string[]): void
  /** a cache lookup, e.g. cacheLookup('token', true) */
  cacheLookup (cache: string, hit: boolean): void
  /** times one upstream call and records its outcome; rethrows what it throws */
  timeUpstream<T> (upstream: string, call: () => Promise<T>, classify?: (err: unknown) => Outcome): Promise<T>
  /** one problem+json answer by its stable code (rate-limit and load-shedding refusals among them); errors only */
  problem (code: string, status: number): void
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const TIMEOUT = /timed? ?out|TimeoutError|AbortError/i

/** Classifies an upstream failure for the outcome label. */
export function outcomeOf (err: unknown): Outcome {
  if (err instanceof AppError && err.statusCode < 500) return 'rejected'
  if (!(err instanceof Error)) return 'error'
  const text = `${err.name} ${err.message} ${err.cause instanceof Error ? err.cause.message : ''}`
  return TIMEOUT.test(text) ? 'timeout' : 'error'
}

/**
 * Counter increments kept in a map under a cheap string key and added to prom-client at each scrape
 * (its `collect`): one map lookup per increment instead of prom-client's label check and hash (issue 19).
 */
function batched (): { inc: (key: string, labels: () => LabelValues<string>) => void, flush: (c: Counter) => void } {
  const pending = new Map<string, { labels: LabelValues<string>, n: number }>()
  return {
    inc (key, labels) {
      const entry = pending.get(key)
      if (entry) entry.n++
      else pending.set(key, { labels: labels(), n: 1 })
    },
    flush (counter) {
      for (const entry of pending.values()) {
        if (entry.n > 0) counter.inc(entry.labels, entry.n)
        entry.n = 0
      }
    }
  }
}

/** A fresh registry with ro2key's metrics (and Node's default process metrics). */
export function createMetrics (): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]
  const pending = { requests: batched(), issued: batched(), cache: batched() }
  const requests = new Counter({
    name: 'ro2key_http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    registers,
    collect () { pending.requests.flush(requests) }
  })
  const duration = new Histogram({
    name: 'ro2key_http_request_duration_seconds',
    help: 'HTTP request duration by route template',
    labelNames: ['route'],
    buckets: LATENCY_BUCKETS,
    registers
  })
  const issued = new Counter({
    name: 'ro2key_credentials_issued_total',
    help: 'Credentials issued by role and granting team(s)',
    labelNames: ['role', 'team'],
    registers,
    collect () { pending.issued.flush(issued) }
  })
  const cache = new Counter({
    name: 'ro2key_cache_lookups_total',
    help: 'Cache lookups by cache and result (hit or miss)',
    labelNames: ['cache', 'result'],
    registers,
    collect () { pending.cache.flush(cache) }
  })
  const upstream = new Histogram({
    name: 'ro2key_upstream_duration_seconds',
    help: 'Upstream call latency by upstream and outcome',
    labelNames: ['upstream', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers
  })
  const problems = new Counter({
    name: 'ro2key_problems_total',
    help: 'Problem+json answers by error code and status',
    labelNames: ['code', 'status'],
    registers
  })
  return {
    registry,
    problem (code, status) {
      problems.inc({ code, status: String(status) })
    },
    request (method, route, status, seconds) {
      pending.requests.inc(`${method}\u0000${route}\u0000${status}`, () => ({ method, route, status: String(status) }))
      duration.observe({ route }, seconds)
    },
    credentialIssued (role, teams) {
      const team = teams.length === 1 ? teams[0] ?? '' : [...teams].sort().join(',')
      pending.issued.inc(`${role}\u0000${team}`, () => ({ role, team }))
    },
    cacheLookup (name, hit) {
      const result = hit ? 'hit' : 'miss'
      pending.cache.inc(`${name}\u0000${result}`, () => ({ cache: name, result }))
    },
    async timeUpstream (name, call, classify = outcomeOf) {
      const end = upstream.startTimer({ upstream: name })
      try {
        const result = await call()
        end({ outcome: 'ok' })
        return result
      } catch (err) {
        end({ outcome: classify(err) })
        throw err
      }
    }
  }
}
