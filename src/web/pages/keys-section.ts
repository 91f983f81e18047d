import type { Config } from '../../config/index.js'
import { AppError } from '../../errors.js'
import type { KeyView } from '../../iam-users/access-keys.js'
import { iamUserOf } from '../../iam-users/caller.js'
import type { Services } from '../../services.js'
import { html, type Html } from '../html.js'
import type { PageSection, SectionContext } from './sections.js'

const csrf = (token: string): Html => html`<input type="hidden" name="_csrf" value="${token}">`

function keyRow (key: KeyView, token: string): Html {
  const next = key.Status === 'Active' ? 'Inactive' : 'Active'
  const used = key.LastUsedDate === null ? 'never' : `${key.LastUsedDate} (${key.LastUsedService ?? '?'})`
  return html`<tr data-testid="key-row" data-key="${key.AccessKeyId}">
    <th scope="row"><code>${key.AccessKeyId}</code></th>
    <td data-testid="key-status">${key.Status}</td>
    <td>${key.CreateDate}</td>
    <td data-testid="key-last-used">${used}</td>
    <td>
      <form method="post" action="/me/keys/${key.AccessKeyId}/status" class="inline">${csrf(token)}
        <input type="hidden" name="Status" value="${next}">
        <button type="submit" data-testid="key-toggle">${next === 'Inactive' ? 'Deactivate' : 'Activate'}</button>
      </form>
      <form method="post" action="/me/keys/${key.AccessKeyId}/delete" class="inline">${csrf(token)}
        <button type="submit" data-testid="key-delete">Delete</button>
      </form>
    </td>
  </tr>`
}

function forms (token: string): Html {
  return html`<form method="post" action="/me/keys">${csrf(token)}
      <label>OpenPGP public key to encrypt the secret with (optional)
        <textarea name="pgp_key" rows="3" cols="60" data-testid="key-pgp"></textarea></label>
      <button type="submit" data-testid="key-create">Create access key</button>
    </form>
    <form method="post" action="/me/keys/rotate">${csrf(token)}
      <label><input type="checkbox" name="delete_old" value="true" data-testid="key-delete-old">
        delete the old key instead of deactivating it</label>
      <button type="submit" data-testid="key-rotate">Rotate</button>
    </form>`
}

/** The caller's own IAM user's access keys (GET /keys), with create, rotate, (de)activate and delete forms. */
export function keysSection (config: Config, services: Services): PageSection {
  return {
    id: 'keys',
    title: 'Your IAM user\'s access keys',
    visible: (ctx: SectionContext) => services.iamUsers !== undefined && ctx.request.principal !== undefined &&
      iamUserOf(ctx.request.principal, config.policy) !== undefined,
    async render ({ request, csrfToken }) {
      const keys = services.iamUsers?.keys
      if (keys === undefined || request.principal === undefined) return html``
      let listed
      try {
        listed = await keys.list(request.principal)
      } catch (err) {
        if (err instanceof AppError && err.code === 'RO2KEY_NO_IAM_USER') {
          return html`<p data-testid="no-iam-user">${err.detail}</p>`
        }
        throw err
      }
      const table = listed.keys.length === 0
        ? html`<p data-testid="no-keys">IAM user <code>${listed.user}</code> has no access key.</p>`
        : html`<p>IAM user <code>${listed.user}</code> (at most two keys).</p><table>
          <thead><tr><th scope="col">Access key</th><th scope="col">Status</th><th scope="col">Created</th>
            <th scope="col">Last used</th><th scope="col">Actions</th></tr></thead>
          <tbody>${listed.keys.map((key) => keyRow(key, csrfToken))}</tbody></table>`
      return html`${table}${forms(csrfToken)}`
    }
  }
}
