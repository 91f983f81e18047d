import { mapIamError, type AwsErrorShape } from '../aws/aws-errors.js'
import { AppError } from '../errors.js'

/** IAM's own quota names for what a LimitExceeded on each step runs into. */
const LIMITS: Record<string, string> = {
  CreateRole: 'roles per account (1,000 by default)',
  AttachRolePolicy: 'managed policies attached per role (10 by default, 20 at most): the user and its groups ' +
    'attach more',
  PutRolePolicy: 'inline policy size per role (10,240 characters in total): the user\'s and its groups\' ' +
    'inline policies are larger'
}

/** The mimic role of a user cannot be made: the limit it hit, or the usual IAM mapping (502/503). */
export function mimicIamError (err: unknown, step: string, roleName: string): AppError {
  if (err instanceof AppError) return err
  const e = err as AwsErrorShape & Error & { iamAction?: string }
  step = e.iamAction ?? step
  if (e.name === 'LimitExceeded' || e.name === 'LimitExceededException') {
    return new AppError('RO2KEY_IAM_LIMIT_EXCEEDED', {
      cause: err,
      detail: `IAM LimitExceeded on ${step} for role ${roleName}: ${LIMITS[step] ?? 'an IAM quota'}`
    })
  }
  if (e.name === 'EntityAlreadyExists' || e.name === 'EntityAlreadyExistsException') {
    // made meanwhile by another replica or by hand: the next try sees whose it is
    return new AppError('RO2KEY_MIMIC_ROLE_NOT_READY', { cause: err, detail: `role ${roleName} appeared meanwhile` })
  }
  return mapIamError(e, step)
}
