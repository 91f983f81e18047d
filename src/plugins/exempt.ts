import type { FastifyRequest } from 'fastify'

/** Probe and scrape routes: never rate limited, never shed (a probe must see the truth). */
const OPERATIONAL = new Set(['/health', '/ready', '/metrics'])

/** True for the operational routes that limits leave alone. */
export function isOperational (request: FastifyRequest): boolean {
  return OPERATIONAL.has(request.url.split('?')[0] ?? '')
}
