import type { Principal } from '../../auth/principal.js'
import type { Config } from '../../config/index.js'
import { AppError } from '../../errors.js'
import { eligibleList } from '../../grants/eligibility.js'
import type { GrantItem } from '../../grants/grant.js'
import { teamsOf } from '../../policy/decide.js'
import { html, type Html } from '../html.js'
import type {} from '../grant-routes.js'
import { eligibleRow, grantRow } from './grant-rows.js'
import type { PageSection, SectionContext } from './sections.js'

function eligibleTable (ctx: SectionContext, principal: Principal, live: GrantItem[], config: Config, now: number) {
  const entries = eligibleList(teamsOf(principal, config.policy), config.policy)
  if (entries.length === 0) return html`<p data-testid="no-eligible">None of your teams may request a grant.</p>`
  const rows = entries.map((entry) => {
    const mine = live.find((g) => g.uid === principal.uid && g.kind === entry.kind && g.name === entry.name)
    return eligibleRow(entry, mine, principal, config.policy, ctx.csrfToken, now)
  })
  return html`<h3>You may request</h3>
  <table data-testid="eligible">
    <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Longest</th>
      <th scope="col">Approval</th><th scope="col">Sign-in</th><th scope="col">Request</th></tr></thead>
    <tbody>${rows}</tbody>
  </table>`
}

function grantsTable (live: GrantItem[], uid: string, csrfToken: string, now: number): Html {
  if (live.length === 0) return html`<p data-testid="no-grants">No active or pending grants.</p>`
  return html`<h3>Your grants, and requests you may approve</h3>
  <table data-testid="grants">
    <thead><tr><th scope="col">Grant</th><th scope="col">Requested by</th><th scope="col">Status</th>
      <th scope="col">Reason</th><th scope="col">Ends</th><th scope="col">Actions</th></tr></thead>
    <tbody>${live.map((item) => grantRow(item, uid, csrfToken, now))}</tbody>
  </table>`
}

/** GET /grants for the person; undefined while the store cannot be reached (the rest of the page still shows). */
async function liveGrants (ctx: SectionContext, principal: Principal): Promise<GrantItem[] | undefined> {
  try {
    return await ctx.request.server.grants?.list(principal) ?? []
  } catch (err) {
    if (!(err instanceof AppError) || err.statusCode !== 503) throw err
    ctx.request.log.warn({ code: err.code }, 'grants section: store unavailable')
    return undefined
  }
}

/**
 * Time-boxed access (when STORE_TABLE is set): what the person may request, with duration and
 * reason; their active and pending grants with a countdown and Revoke; others' requests they may
 * approve. The data is the grant service's own (GET /grants); the forms are web/grant-routes.ts.
 */
export function grantsSection (config: Config, now: () => number): PageSection {
  return {
    id: 'grants',
    title: 'Time-boxed access',
    visible: (ctx) => ctx.request.server.grants !== undefined,
    async render (ctx) {
      const principal = ctx.request.principal as Principal
      const notice = ctx.request.session.get('grantNotice')
      if (notice !== undefined) ctx.request.session.set('grantNotice', undefined)
      const live = await liveGrants(ctx, principal)
      const at = Math.floor(now())
      const unavailable = html`<p role="alert" data-testid="grants-unavailable">The grant store cannot be
        reached right now; reload the page in a moment.</p>`
      return html`${notice === undefined ? '' : html`<p role="status" data-testid="grant-notice">${notice}</p>`}
        ${eligibleTable(ctx, principal, live ?? [], config, at)}
        ${live === undefined ? unavailable : grantsTable(live, principal.uid, ctx.csrfToken, at)}
        <script src="/assets/countdown.js" defer></script>`
    }
  }
}
