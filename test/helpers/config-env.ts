import { loadConfig, type Env } from '../../src/config/index.js'
import { VARIABLE_LIST } from '../../src/config/variables.js'

/** Every environment variable ro2key reads: the names in the one table (src/config/variables.ts). */
export function configEnvNames (): string[] {
  return VARIABLE_LIST.map((spec) => spec.name).sort()
}

/** A value of the right shape for each variable, so that loadConfig walks every branch that reads one. */
export function sampleEnv (): Env {
  const values: Record<string, string> = { bool: 'true', list: 'a b', url: 'https://example.org/x' }
  const env: Env = {}
  for (const spec of VARIABLE_LIST) {
    if (spec.type === 'int') env[spec.name] = String(spec.min)
    else env[spec.name] = spec.type === 'enum' ? spec.values[0] : values[spec.type] ?? 'x'
  }
  return env
}

/** Names loadConfig actually touches, recorded by a proxy over `base` (default: nothing set). */
export function envTouchedByLoadConfig (base: Env = {}): string[] {
  const touched = new Set<string>()
  const env = new Proxy<Env>(base, {
    get (target, key) {
      if (typeof key === 'string' && /^[A-Z][A-Z0-9_]*$/.test(key)) touched.add(key)
      return typeof key === 'string' ? target[key] : undefined
    }
  })
  try { loadConfig(env) } catch {}
  return [...touched].sort()
}

/** TOKENINFO_URL -> TokeninfoUrl: the deployment parameter that sets a variable. */
export function parameterFor (name: string): string {
  return name.toLowerCase().split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')
}

/** Values for required deployment parameters, as an operator would pass them. */
export const SAMPLE_ARGUMENTS: Record<string, string> = {
  ArnPrefix: 'arn:aws:iam::123456789012:role/robots',
  TokeninfoUrl: 'https://auth.example.org/oauth2/tokeninfo',
  Policy: '{"teams":{"mint":{"roles":["S3MintReadOnly"],"max_duration":3600}}}'
}
