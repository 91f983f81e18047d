import { AppError } from '../errors.js'
import type { StepUp } from '../policy/auth-strength.js'
import { challenge } from './bearer.js'

/** RFC 9470 section 3: the error code of a step-up challenge. */
export const STEP_UP_ERROR = 'insufficient_user_authentication'

/** The RFC 9470 WWW-Authenticate value: error, description, then acr_values and max_age where set. */
export function stepUpChallenge (stepUp: StepUp): string {
  let value = challenge(STEP_UP_ERROR, stepUp.description)
  if (stepUp.acrValues !== undefined) value += `, acr_values="${stepUp.acrValues.join(' ')}"`
  if (stepUp.maxAge !== undefined) value += `, max_age=${stepUp.maxAge}`
  return value
}

/** The 401 RO2KEY_STEP_UP_REQUIRED for a failed checkStrength(); every route that vends a role throws this one. */
export function stepUpRequired (stepUp: StepUp): AppError {
  return new AppError('RO2KEY_STEP_UP_REQUIRED', {
    detail: `This role needs a stronger sign-in: ${stepUp.description}`,
    headers: { 'www-authenticate': stepUpChallenge(stepUp) }
  })
}
