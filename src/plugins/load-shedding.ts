import underPressure from '@fastify/under-pressure'
import fp from 'fastify-plugin'
import { AppError } from '../errors.js'
import { isOperational } from './exempt.js'

export interface LoadSheddingOptions {
  /** 0 turns load shedding off */
  maxEventLoopDelayMs: number
  sampleIntervalMs: number
}

/** 503 problem+json with Retry-After while the event loop is saturated; probes pass. */
export const loadShedding = fp<LoadSheddingOptions>(async function loadShedding (app, opts) {
  const { maxEventLoopDelayMs, sampleIntervalMs } = opts
  if (maxEventLoopDelayMs === 0) return
  // Boot itself stalls the loop (module loading, spec compilation): the first samples after
  // it would shed the very first requests, so pressure counts only from two samples later.
  let armedAt = Infinity
  app.addHook('onReady', async () => { armedAt = Date.now() + 2 * sampleIntervalMs })
  await app.register(underPressure, {
    maxEventLoopDelay: maxEventLoopDelayMs,
    sampleInterval: sampleIntervalMs,
    pressureHandler: async (request, _reply, type, value) => {
      if (Date.now() < armedAt || (isOperational(request) && request.url !== '/ready')) return
      request.log.warn({ type, value }, 'shedding load')
      throw new AppError('RO2KEY_OVERLOADED', { detail: 'ro2key is overloaded; try again shortly' })
    }
  })
}, { name: 'load-shedding', dependencies: ['error-handler'] })
