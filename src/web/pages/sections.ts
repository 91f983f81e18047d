import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Html } from '../html.js'
import type { WebUser } from '../session.js'

/** What a section of the home page gets to render itself. */
export interface SectionContext {
  request: FastifyRequest
  reply: FastifyReply
  user: WebUser
  /** the token every state-changing form carries as `_csrf` */
  csrfToken: string
}

/**
 * One section of the signed-in home page (roles now; grants and keys later): a small template
 * with a stable id (the section's `data-testid`), shown when `visible` says so.
 */
export interface PageSection {
  id: string
  title: string
  visible?: (ctx: SectionContext) => boolean
  render: (ctx: SectionContext) => Promise<Html> | Html
}
