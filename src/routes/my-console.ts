import type { FastifyReply, FastifyRequest } from 'fastify'
import type { components, operations } from '../api/schema.js'
import type { MimicSession } from './shared/mimic-session.js'

type Query = NonNullable<operations['getMyConsole']['parameters']['query']>
type ConsoleSession = components['schemas']['ConsoleSession']

/** GET /me/console: an AWS console sign-in as the caller's own IAM user (JSON, or 302 with redirect=true). */
export function createGetMyConsole (session: MimicSession) {
  return async function getMyConsole (
    request: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply
  ): Promise<ConsoleSession | FastifyReply> {
    const { recreate, duration, destination, redirect } = request.query
    const { url, expiration } = await session.console(request, { recreate, duration, destination, via: 'me-console' })
    // The URL signs in whoever opens it: no cache may keep it.
    reply.header('cache-control', 'no-store')
    if (redirect === true) return reply.redirect(url, 302)
    return { url, expiration }
  }
}
