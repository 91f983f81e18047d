import type { components } from '../../api/schema.js'
import { html, type Html } from '../html.js'
import type { PageSection, SectionContext } from './sections.js'

type RoleList = components['schemas']['RoleList']
type RoleGrant = components['schemas']['RoleGrant']

function roleField (grant: RoleGrant): Html {
  if (!grant.role.includes('*')) return html`<input type="hidden" name="role" value="${grant.role}">`
  // a pattern: the person names the role it matches
  return html`<label>Role matching <code>${grant.role}</code>
    <input name="role" required maxlength="64" data-testid="role-name"></label>`
}

function actions (grant: RoleGrant, csrfToken: string): Html {
  const field = roleField(grant)
  return html`
    <form method="post" action="/me/console" class="inline">
      <input type="hidden" name="_csrf" value="${csrfToken}">${field}
      <button type="submit" data-testid="open-console">Open console</button>
    </form>
    <form method="post" action="/me/credentials" class="inline">
      <input type="hidden" name="_csrf" value="${csrfToken}">${field}
      <button type="submit" data-testid="show-credentials">Credentials</button>
    </form>`
}

/** The roles section: what GET /roles answers for this person, each with Open console and Credentials. */
export function rolesSection (listRoles: (ctx: SectionContext) => Promise<RoleList>): PageSection {
  return {
    id: 'roles',
    title: 'Roles you may use',
    async render (ctx) {
      const { roles } = await listRoles(ctx)
      if (roles.length === 0) return html`<p data-testid="no-roles">None of your teams may use a role.</p>`
      const rows = roles.map((grant) => html`<tr data-testid="role-row" data-role="${grant.role}">
        <th scope="row">${grant.role}</th>
        <td>${grant.teams.join(', ')}</td>
        <td>${grant.max_duration === undefined ? '' : `${grant.max_duration} s`}</td>
        <td>${actions(grant, ctx.csrfToken)}</td>
      </tr>`)
      return html`<table>
        <thead><tr><th scope="col">Role</th><th scope="col">Teams</th><th scope="col">Longest session</th>
          <th scope="col">Actions</th></tr></thead>
        <tbody>${rows}</tbody>
      </table>`
    }
  }
}
