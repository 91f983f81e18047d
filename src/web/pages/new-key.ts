import type { NewKeyView } from '../../iam-users/keys.js'
import { html } from '../html.js'
import { layout } from './layout.js'

/** A new access key, shown once (the page is no-store): its secret, or the secret encrypted to the person's key. */
export function newKeyPage (opts: { uid: string, csrfToken: string, key: NewKeyView }): string {
  const { key } = opts
  const secret = key.SecretAccessKey ?? key.EncryptedSecretAccessKey ?? ''
  const replaced = (key.Replaced ?? []).map((r) => html`<li><code>${r.AccessKeyId}</code>: ${r.Status}</li>`)
  return layout({ title: 'New access key', uid: opts.uid, csrfToken: opts.csrfToken }, html`
    <p role="alert" data-testid="key-warning"><strong>This secret is shown once.</strong> Copy it now into your
      credential store; ro2key does not keep it and cannot show it again. Keep it out of chats and tickets.</p>
    <h2>Access key id</h2>
    <pre id="new-key-id" data-testid="new-key-id">${key.AccessKeyId}</pre>
    <h2>${key.SecretAccessKey === undefined ? 'Secret access key, encrypted to your key' : 'Secret access key'}</h2>
    <pre id="new-key-secret" data-testid="new-key-secret">${secret}</pre>
    <button type="button" class="copy" data-copy="new-key-secret" data-testid="copy-new-key-secret" hidden>Copy</button>
    ${replaced.length > 0 ? html`<h2>Your other keys</h2><ul data-testid="replaced">${replaced}</ul>` : ''}
    <p><a href="/">Back to your access</a></p>`)
}
