import { createRequire } from 'node:module'
import type * as Undici from 'undici'

const require = createRequire(import.meta.url)
let loaded: typeof Undici | undefined

/**
 * undici, loaded on its first use (it is CommonJS, so synchronously): the first call to an outside
 * service pays its ~5 MB and 50-100 ms of loading, not ro2key's start-up (issue 19).
 */
export function undici (): typeof Undici {
  return (loaded ??= require('undici') as typeof Undici)
}
