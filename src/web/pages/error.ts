import type { Problem } from '../../errors.js'
import { html } from '../html.js'
import { layout } from './layout.js'

/** A page saying what went wrong and what to do; the problem's safe detail only, never a stack trace. */
export function errorPage (problem: Problem): string {
  const again = problem.code === 'RO2KEY_SIGN_IN_FAILED' || problem.code === 'RO2KEY_SIGN_IN_REQUIRED' ||
    problem.code === 'RO2KEY_CSRF_TOKEN_INVALID'
  return layout({ title: problem.title }, html`
    <p data-testid="error-detail">${problem.detail ?? problem.title}</p>
    <p>Error <code data-testid="error-code">${problem.code}</code>, request <code>${problem.instance}</code></p>
    <p>${again ? html`<a class="button" href="/auth/login">Sign in again</a> or ` : ''}
      <a href="/">go to the start page</a>.</p>`)
}
