import { isIP } from 'node:net'
import { problem, readRaw, type Env } from './read.js'
import { VARIABLES as V } from './variables.js'

/** proxy-addr's names for address ranges (Fastify's trustProxy accepts them). */
const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal'])

/** An address, a named range, or an address/prefix (or IPv4 address/netmask), as proxy-addr accepts. */
function validEntry (entry: string): boolean {
  if (NAMED.has(entry)) return true
  const [addr = '', range, extra] = entry.split('/')
  const family = isIP(addr)
  if (family === 0 || extra !== undefined) return false
  if (range === undefined) return true
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128)
  return family === 4 && isIP(range) === 4
}

/** TRUST_PROXY: off, true, or comma-separated addresses/CIDRs; a bad entry is a boot problem (exit 2). */
export function readTrustProxy (env: Env, problems: string[]): boolean | string {
  const raw = readRaw(env, V.TRUST_PROXY)
  if (raw === undefined || raw === 'false') return false
  if (raw === 'true') return true
  const bad = raw.split(',').map((s) => s.trim()).filter((s) => !validEntry(s))
  if (bad.length > 0) {
    problems.push(problem(`TRUST_PROXY: ${bad.map((b) => JSON.stringify(b)).join(', ')} is not an IP address, ` +
      'CIDR or loopback/linklocal/uniquelocal; give true, or comma-separated addresses/CIDRs', 'TRUST_PROXY'))
    return false
  }
  return raw
}
