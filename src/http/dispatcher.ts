import type { Dispatcher } from 'undici'
import { undici } from './undici.js'

/** Errors where the request never reached the upstream's application: safe to retry a GET once. */
const RESET_CODES = ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']
const RETRY_DELAY_MS = 50

/**
 * The dispatcher for outside HTTP calls (callJson/callText: the token services and the AWS
 * federation endpoint): connect timeout, and one retry of an idempotent GET when the
 * connection was reset (a keep-alive socket the upstream closed). No retry on a status code:
 * 5xx is the upstream's answer.
 */
export function createUpstreamDispatcher (connectTimeoutMs: number): Dispatcher {
  // made on the first call (undici is loaded then, not at start-up); undici's request() needs only dispatch()
  let made: Dispatcher | undefined
  const real = (): Dispatcher => (made ??= agent(connectTimeoutMs))
  const lazy: Pick<Dispatcher, 'dispatch' | 'close' | 'destroy'> = {
    dispatch: (options, handler) => real().dispatch(options, handler),
    close: (async () => { await made?.close() }) as Dispatcher['close'],
    destroy: (async () => { await made?.destroy() }) as Dispatcher['destroy']
  }
  return lazy as Dispatcher
}

function agent (connectTimeoutMs: number): Dispatcher {
  const { Agent, interceptors } = undici()
  return new Agent({ connect: { timeout: connectTimeoutMs } }).compose(interceptors.retry({
    maxRetries: 1,
    minTimeout: RETRY_DELAY_MS,
    maxTimeout: RETRY_DELAY_MS,
    methods: ['GET'],
    statusCodes: [],
    errorCodes: RESET_CODES
  }))
}
