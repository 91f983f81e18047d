import { outcomeOf, type Metrics } from '../metrics/metrics.js'
import { isThrottling, mapStsError } from './aws-errors.js'

/** Any AWS SDK v3 client's narrow seam. */
interface SendLike { send: (...args: any[]) => Promise<any> }

/**
 * An AWS client with a deadline and metrics: every call, the SDK's retries included, is bounded
 * by one deadline (the SDK aborts the attempt in flight and makes no further one), and its
 * latency and outcome are recorded under `upstream` (sts, iam). Outcomes are classified the
 * STS way for both: an AWS refusal is `rejected`, throttling `throttled`, trouble `error` or `timeout`.
 */
export function instrumentedClient<C extends SendLike> (
  client: C,
  upstream: string,
  timeoutMs: number,
  metrics: Metrics
): C {
  const classify = (err: unknown): ReturnType<typeof outcomeOf> =>
    isThrottling(err as Error) ? 'throttled' : outcomeOf(mapStsError(err as Error))
  const send = (command: unknown, options?: object): Promise<unknown> => metrics.timeUpstream(
    upstream,
    () => client.send(command, { ...options, abortSignal: AbortSignal.timeout(timeoutMs) }),
    classify
  )
  return { send } as unknown as C
}
