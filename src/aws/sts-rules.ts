/** STS AssumeRole DurationSeconds range, and ro2key's default when the caller names none. */
export const MIN_DURATION = 900
export const MAX_DURATION = 43200
export const DEFAULT_DURATION = 3600

/** STS RoleSessionName (and SourceIdentity): 2-64 characters of [\w+=,.@-]. */
export const MIN_SESSION_NAME = 2
export const MAX_SESSION_NAME = 64
