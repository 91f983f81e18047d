/** STS AssumeRole DurationSeconds range. */
export const MIN_DURATION = 900
export const MAX_DURATION = 43200
export const DEFAULT_DURATION = 3600

/** STS RoleSessionName: 2-64 characters of [\w+=,.@-]. */
export const MIN_SESSION_NAME = 2
export const MAX_SESSION_NAME = 64
