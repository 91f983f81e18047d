import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { loadConfig, type Env } from '../../src/config/index.js'

const NAME = '([A-Z][A-Z0-9_]*)'
const READS = [
  new RegExp(`\\benv\\.${NAME}\\b`, 'g'), // env.TOKENINFO_URL, process.env.X
  new RegExp(`\\benv\\[\\s*['"\`]${NAME}['"\`]\\s*\\]`, 'g'), // env['X']
  new RegExp(`\\(\\s*env\\s*,\\s*['"\`]${NAME}['"\`]`, 'g') // readInt(env, 'PORT', ...)
]

/** In config files, a quoted name like 'INTROSPECTION_CLIENT_ID' may be read through a loop. */
const QUOTED_NAME = /['"`]([A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9])['"`]/g

/** Environment variable names a TypeScript source reads, found by its text. */
export function envReadsIn (source: string, isConfig = false): string[] {
  const names = new Set<string>()
  for (const pattern of isConfig ? [...READS, QUOTED_NAME] : READS) {
    for (const m of source.matchAll(pattern)) names.add(m[1] as string)
  }
  return [...names].sort()
}

/** Names loadConfig actually touches, recorded by a proxy env (unset everywhere). */
export function envTouchedByLoadConfig (): string[] {
  const touched = new Set<string>()
  const env = new Proxy<Env>({}, {
    get (_target, key) {
      if (typeof key === 'string' && /^[A-Z][A-Z0-9_]*$/.test(key)) touched.add(key)
      return undefined
    }
  })
  try { loadConfig(env) } catch {}
  return [...touched].sort()
}

function sources (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return sources(path)
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : []
  })
}

/** Every environment variable ro2key reads: a scan of src/ plus what loadConfig touches. */
export function configEnvNames (): string[] {
  const srcDir = new URL('../../src/', import.meta.url).pathname
  const names = new Set(envTouchedByLoadConfig())
  for (const file of sources(srcDir)) for (const name of envReadsIn(readFileSync(file, 'utf8'), relative(srcDir, file).startsWith('config'))) names.add(name)
  return [...names].sort()
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
