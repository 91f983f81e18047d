import { html, type Html } from '../html.js'
import type { WebUser } from '../session.js'
import { layout } from './layout.js'
import type { PageSection, SectionContext } from './sections.js'

/** The signed-out page: one sign-in button (a link: it works without JavaScript). */
export function signedOutPage (): string {
  return layout({ title: 'Sign in' }, html`
    <p>Sign in with your company account to open the AWS console or get temporary credentials
      for the roles your teams may use.</p>
    <p><a class="button" href="/auth/login" data-testid="sign-in">Sign in</a></p>`)
}

function mfaState (user: WebUser): Html {
  if (user.amr.length === 0) return html`<span data-testid="mfa-state">not reported by the identity provider</span>`
  return html`<span data-testid="mfa-state">${user.amr.join(', ')}</span>`
}

function identity (user: WebUser): Html {
  const signedIn = user.authTime === undefined ? 'unknown' : new Date(user.authTime * 1000).toISOString()
  return html`<section aria-labelledby="who" data-testid="identity">
    <h2 id="who">Who you are</h2>
    <dl>
      <dt>User</dt><dd data-testid="uid">${user.uid}</dd>
      <dt>Teams</dt><dd data-testid="teams">${user.teams.length > 0 ? user.teams.join(', ') : 'none in your token'}</dd>
      <dt>Authentication methods</dt><dd>${mfaState(user)}</dd>
      <dt>Signed in at</dt><dd>${signedIn}</dd>
      <dt>Session ends</dt><dd>${new Date(user.expiresAt * 1000).toISOString()}</dd>
    </dl>
  </section>`
}

/** The signed-in page: who you are, then every visible section in registry order. */
export async function homePage (ctx: SectionContext, sections: readonly PageSection[]): Promise<string> {
  const parts: Html[] = [identity(ctx.user)]
  for (const section of sections) {
    if (section.visible !== undefined && !section.visible(ctx)) continue
    parts.push(html`<section aria-labelledby="${section.id}-title" data-testid="section-${section.id}">
      <h2 id="${section.id}-title">${section.title}</h2>
      ${await section.render(ctx)}
    </section>`)
  }
  return layout({ title: 'Your AWS access', uid: ctx.user.uid, csrfToken: ctx.csrfToken }, html`${parts}`)
}
