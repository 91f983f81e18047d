/**
 * ro2key's one clock: seconds since the epoch, fractions allowed (what `Date.now() / 1000`
 * gives). Every component takes a Clock; the helpers below derive the other units from it.
 */
export type Clock = () => number

/** The real clock. */
export const systemClock: Clock = () => Date.now() / 1000

/** The same clock in whole seconds (JWT exp/nbf, tokeninfo expires_in, IAM tag TTLs). */
export function wholeSeconds (clock: Clock): Clock {
  return () => Math.floor(clock())
}

/** Milliseconds since the epoch from a Clock. */
export function millisOf (clock: Clock): number {
  return clock() * 1000
}
