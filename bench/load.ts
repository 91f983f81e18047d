import autocannon, { type Request, type Result } from 'autocannon'

export interface Measured {
  rps: number
  p50: number
  p99: number
  requests: number
  /** non-2xx answers plus socket errors and timeouts; must be 0 */
  failures: number
}

export interface LoadOptions {
  url: string
  path: string
  /** seconds */
  duration?: number
  /** stop after this many requests instead */
  amount?: number
  /** with amount: stop at this time (epoch ms) even if not all were sent */
  deadline?: number
  connections: number
  /** the bearer token of every request, or a fresh one per request */
  token: string | (() => string)
}

function measured (r: Result): Measured {
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    failures: r.non2xx + r.errors + r.timeouts
  }
}

/** One autocannon run on loopback, no pipelining (each robot sends one request at a time). */
export async function load (opts: LoadOptions): Promise<Measured> {
  const { token } = opts
  const request: Request = typeof token === 'string'
    ? { method: 'GET', path: opts.path, headers: { authorization: `Bearer ${token}` } }
    : {
        method: 'GET',
        path: opts.path,
        setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${token()}` } })
      }
  return await new Promise((resolve, reject) => {
    const instance = autocannon({
      url: opts.url,
      connections: opts.connections,
      pipelining: 1,
      ...(opts.amount ? { amount: opts.amount } : { duration: opts.duration ?? 5 }),
      requests: [request],
      timeout: 10
    }, (err, result) => {
      clearTimeout(timer)
      if (err) reject(err)
      else resolve(measured(result))
    })
    const timer = opts.deadline === undefined ? undefined : setTimeout(() => instance.stop(), Math.max(0, opts.deadline - Date.now()))
  })
}
