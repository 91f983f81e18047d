import type { Metrics } from '../metrics/metrics.js'
import type { TokenVerifier } from './token-verifier.js'

/** Records each verification's latency and outcome under `upstream` (wrap the raw client, inside any cache). */
export function measuredVerifier (verifier: TokenVerifier, metrics: Metrics, upstream: string): TokenVerifier {
  return { verify: (token) => metrics.timeUpstream(upstream, () => verifier.verify(token)) }
}
