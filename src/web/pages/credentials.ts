import type { components } from '../../api/schema.js'
import { envLines } from '../../routes/shared/format-env.js'
import { html } from '../html.js'
import { layout } from './layout.js'

type Credentials = components['schemas']['Credentials']

/** `~/.aws/config` profile lines holding these credentials. */
export function configSnippet (role: string, region: string, c: Credentials): string {
  return [`[profile ${role}]`, `region = ${region}`, `aws_access_key_id = ${c.AccessKeyId}`,
    `aws_secret_access_key = ${c.SecretAccessKey}`, `aws_session_token = ${c.SessionToken}`, ''].join('\n')
}

/** The credentials, shown once (the page is no-store): export lines and a config profile, each with a copy button. */
export function credentialsPage (opts: {
  uid: string, csrfToken: string, role: string, region: string, credentials: Credentials
}): string {
  const { role, credentials } = opts
  const block = (id: string, label: string, text: string) => html`<h2>${label}</h2>
    <pre id="${id}" data-testid="${id}">${text}</pre>
    <button type="button" class="copy" data-copy="${id}" data-testid="copy-${id}" hidden>Copy</button>`
  return layout({ title: `Credentials for ${role}`, uid: opts.uid, csrfToken: opts.csrfToken }, html`
    <p role="note">These credentials act as you in <strong>${role}</strong> until
      <time data-testid="expiration">${credentials.Expiration}</time>. They are shown once: copy them now,
      keep them out of chats and tickets.</p>
    ${block('export-lines', 'For a shell', envLines(credentials))}
    ${block('aws-config', 'For ~/.aws/config', configSnippet(role, opts.region, credentials))}
    <p><a href="/">Back to your roles</a></p>`)
}
