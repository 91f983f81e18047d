import type { FastifyBaseLogger } from 'fastify'
import type { Dispatcher } from 'undici'
import { createTokenVerifier } from './auth/choose-verifier.js'
import { measuredVerifier } from './auth/measured-verifier.js'
import { cachingVerifier } from './auth/token-cache.js'
import type { TokenVerifier } from './auth/token-verifier.js'
import type { Config } from './config/index.js'
import type { Metrics } from './metrics/metrics.js'

/** The token verifier of the config (or the injected one), measured, behind the verified-token cache. */
export function verifierFor (
  config: Config, deps: { verifier?: TokenVerifier }, dispatcher: Dispatcher, metrics: Metrics, now: () => number,
  logger: FastifyBaseLogger
): TokenVerifier {
  const inner = deps.verifier ?? createTokenVerifier(config, {
    dispatcher,
    now: () => Math.floor(now()),
    logger,
    instrument: (upstream, verifier) => measuredVerifier(verifier, metrics, upstream)
  })
  return cachingVerifier(inner, {
    ttlSeconds: config.tokenCacheTtl,
    maxEntries: config.tokenCacheMaxEntries,
    now,
    onLookup: (outcome) => metrics.cacheLookup('token', outcome !== 'miss')
  })
}
