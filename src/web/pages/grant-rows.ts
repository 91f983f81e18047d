import type { Principal } from '../../auth/principal.js'
import { MIN_DURATION } from '../../aws/sts-rules.js'
import type { Eligibility } from '../../grants/eligibility.js'
import type { GrantItem, GrantKind } from '../../grants/grant.js'
import { policyRequirements } from '../../policy/auth-strength.js'
import type { Policy } from '../../policy/policy-file.js'
import { html, type Html } from '../html.js'
import { mfaCell, missing } from './step-up.js'

type Entry = { kind: GrantKind, name: string } & Eligibility

const SECONDS_PER_MINUTE = 60

function form (action: string, csrfToken: string, label: string, testId: string, fields: Html = html``): Html {
  return html`<form method="post" action="${action}" class="inline">
    <input type="hidden" name="_csrf" value="${csrfToken}">${fields}
    <button type="submit" data-testid="${testId}">${label}</button>
  </form>`
}

/** Time left as text ("12 min left"); the countdown script makes it tick. */
export function countdown (expiresAt: number, now: number): Html {
  const iso = new Date(expiresAt * 1000).toISOString()
  const minutes = Math.max(0, Math.ceil((expiresAt - now) / SECONDS_PER_MINUTE))
  return html`<time datetime="${iso}" title="${iso}" data-countdown
    data-testid="grant-countdown">${minutes} min left</time>`
}

function requestForm (entry: Entry, csrfToken: string): Html {
  const max = Math.floor(entry.maxGrant / SECONDS_PER_MINUTE)
  const min = entry.kind === 'role' ? MIN_DURATION / SECONDS_PER_MINUTE : 1
  return html`<form method="post" action="/me/grants" data-testid="grant-request" data-name="${entry.name}">
    <input type="hidden" name="_csrf" value="${csrfToken}">
    <input type="hidden" name="kind" value="${entry.kind}"><input type="hidden" name="name" value="${entry.name}">
    <label>Minutes <input type="number" name="minutes" min="${min}" max="${max}" value="${max}" required
      data-testid="grant-minutes"></label>
    <label>Reason <input name="reason" maxlength="500" data-testid="grant-reason"></label>
    <button type="submit" data-testid="request-grant">Request</button>
  </form>`
}

/** One row of "You may request": terms, MFA mark, and the request form (or the live grant's state). */
export function eligibleRow (
  entry: Entry, mine: GrantItem | undefined, principal: Principal, policy: Policy, csrfToken: string, now: number
): Html {
  const requirements = entry.kind === 'role' ? policyRequirements(entry.name, entry.teams, policy) : []
  const approval = entry.approvers.length > 0 ? `by ${entry.approvers.join(', ')}` : 'none: starts at once'
  const state = mine === undefined
    ? requestForm(entry, csrfToken)
    : html`<span data-testid="grant-state">${mine.status === 'pending' ? 'requested' : 'active'}, see below</span>`
  return html`<tr data-testid="eligible-row" data-name="${entry.name}">
    <th scope="row">${entry.name}</th><td>${entry.kind}</td>
    <td>${Math.floor(entry.maxGrant / SECONDS_PER_MINUTE)} min</td><td>${approval}</td>
    <td>${mfaCell(requirements.length > 0, missing(principal, requirements, now))}</td>
    <td>${state}</td>
  </tr>`
}

function actions (item: GrantItem, uid: string, csrfToken: string): Html {
  const id = encodeURIComponent(item.id)
  if (item.uid !== uid) {
    return html`${form(`/me/grants/${id}/approve`, csrfToken, 'Approve', 'approve-grant')}
      ${form(`/me/grants/${id}/revoke`, csrfToken, 'Refuse', 'refuse-grant')}`
  }
  const role = html`<input type="hidden" name="role" value="${item.name}">`
  const use = item.status === 'active' && item.kind === 'role'
    ? html`${form('/me/console', csrfToken, 'Open console', 'grant-console', role)}
      ${form('/me/credentials', csrfToken, 'Credentials', 'grant-credentials', role)}`
    : html``
  return html`${use}${form(`/me/grants/${id}/revoke`, csrfToken, item.status === 'pending' ? 'Withdraw' : 'Revoke',
    'revoke-grant')}`
}

/** One live grant: the person's own (use, revoke) or another's request this person may approve. */
export function grantRow (item: GrantItem, uid: string, csrfToken: string, now: number): Html {
  const status = item.status === 'pending' ? `waiting for ${item.approvers.join(', ')}` : 'active'
  const left = countdown(item.expires_at, now)
  const ends = item.status === 'pending' ? html`request lapses: ${left}` : left
  return html`<tr data-testid="grant-row" data-grant-id="${item.id}" data-name="${item.name}"
      data-status="${item.status}" data-uid="${item.uid}">
    <th scope="row">${item.kind} ${item.name}</th>
    <td>${item.uid}</td><td data-testid="grant-status">${status}</td><td>${item.reason ?? ''}</td>
    <td>${ends}</td><td>${actions(item, uid, csrfToken)}</td>
  </tr>`
}
