import type { Metrics } from '../metrics/metrics.js'
import type { TokenVerifier } from './verifier.js'

/** Records each verification's latency and outcome under `upstream` (wrap the raw client, inside any cache). */
export function timedVerifier (verifier: TokenVerifier, metrics: Metrics, upstream: string): TokenVerifier {
  return { verify: (token) => metrics.timeUpstream(upstream, () => verifier.verify(token)) }
}
