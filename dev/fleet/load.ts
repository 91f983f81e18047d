import autocannon, { type Instance, type Request } from 'autocannon'

export interface FleetLoadOptions {
  url: string
  path: string
  /** bearer tokens; each connection cycles through them */
  tokens: string[]
  connections: number
  /** requests per second over all connections */
  rate?: number
  /** never more requests than this */
  amount: number
  /** never longer than this (seconds) */
  maxSeconds: number
}

export interface FleetLoadResult {
  requests: number
  ok: number
  non2xx: number
  errors: number
  timeouts: number
  rps: number
  p50: number
  p99: number
  /** status code -> count, as recorded per response */
  statuses: Record<string, number>
  /** X-Request-Id of every 2xx response */
  requestIds: string[]
}

export interface RunningLoad {
  /** stop now (the in-flight requests are abandoned; they are not counted) */
  stop (): void
  done: Promise<FleetLoadResult>
}

/** Bounded autocannon load (count and time) that records each answer's status and X-Request-Id. */
export function startLoad (opts: FleetLoadOptions): RunningLoad {
  const statuses: Record<string, number> = {}
  const requestIds: string[] = []
  const requests: Request[] = opts.tokens.map((token) => ({
    method: 'GET',
    path: opts.path,
    headers: { authorization: `Bearer ${token}` },
    onResponse: (status: number, _body: string, _context: unknown, headers?: Record<string, string | string[]>) => {
      statuses[status] = (statuses[status] ?? 0) + 1
      const id = headers?.['x-request-id']
      if (status >= 200 && status < 300 && typeof id === 'string') requestIds.push(id)
    }
  } as Request))
  let instance: Instance | undefined
  let timer: NodeJS.Timeout | undefined
  const done = new Promise<FleetLoadResult>((resolve, reject) => {
    instance = autocannon({
      url: opts.url,
      connections: opts.connections,
      pipelining: 1,
      amount: opts.amount,
      ...(opts.rate === undefined ? {} : { overallRate: opts.rate }),
      requests,
      timeout: 10
    }, (err, r) => {
      clearTimeout(timer)
      if (err) return reject(err)
      resolve({
        requests: r.requests.total,
        ok: r['2xx'],
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        statuses,
        requestIds
      })
    })
    timer = setTimeout(() => instance?.stop(), opts.maxSeconds * 1000)
  })
  return { stop: () => instance?.stop(), done }
}
