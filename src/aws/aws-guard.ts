import { outcomeOf, type Metrics } from '../metrics/metrics.js'
import { mapStsError } from './sts.js'

/** Any AWS SDK v3 client's narrow seam. */
interface SendLike { send: (...args: any[]) => Promise<any> }

/**
 * Bounds every call of an AWS client, the SDK's retries included, by one deadline (the SDK
 * aborts the attempt in flight and makes no further one), and records its latency and
 * outcome under `upstream` (sts, iam).
 */
export function guardAws<C extends SendLike> (client: C, upstream: string, timeoutMs: number, metrics: Metrics): C {
  const send = (command: unknown, options?: object) => metrics.timeUpstream(upstream, () =>
    client.send(command, { ...options, abortSignal: AbortSignal.timeout(timeoutMs) }), (err) => outcomeOf(mapStsError(err as Error)))
  return { send } as unknown as C
}
