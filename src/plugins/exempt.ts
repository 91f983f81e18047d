import type { FastifyRequest } from 'fastify'

/** Probe and scrape routes: never rate limited, never shed (a probe must see the truth). */
const OPERATIONAL = new Set(['/health', '/ready', '/metrics'])

/** True for the operational routes that limits leave alone. */
export function isOperational (request: FastifyRequest): boolean {
  const url = request.url
  const query = url.indexOf('?')
  return OPERATIONAL.has(query === -1 ? url : url.slice(0, query))
}
