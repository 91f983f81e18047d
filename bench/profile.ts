import { readFileSync } from 'node:fs'

interface CallFrame { functionName: string, url: string, lineNumber: number }
interface ProfileNode { id: number, callFrame: CallFrame, children?: number[] }
/** The .cpuprofile format written by --cpu-prof and the inspector's Profiler.stop. */
export interface CpuProfile { nodes: ProfileNode[], samples: number[], timeDeltas: number[] }

export interface Share { name: string, percent: number }
export interface Summary {
  totalMs: number
  busyMs: number
  /** time spent in the bucket's own frames */
  self: Share[]
  /** time with the bucket anywhere on the stack (a sample counts for every bucket on its stack) */
  inclusive: Share[]
  functions: Share[]
}

/** Where a function lives: a package, ro2key's own source, node itself, or V8's pseudo-frames. */
export function bucketOf (frame: CallFrame): string {
  const { url, functionName } = frame
  if (url === '') return functionName.startsWith('(') ? functionName : '(native: syscalls, bindings)'
  if (url.startsWith('node:')) return 'node:' + url.slice(5).replace(/^internal\//, '').split('/')[0]
  const pkg = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]
  if (pkg) return pkg
  const own = /\/(src|bench)\/(.+)\.[jt]s$/.exec(url)
  return own ? `ro2key ${own[1]}/${own[2]}` : url
}

function shares (totals: Map<string, number>, all: number, top: number): Share[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, percent: (100 * us) / all }))
}

const add = (m: Map<string, number>, k: string, v: number): void => { m.set(k, (m.get(k) ?? 0) + v) }

/** Self and inclusive time per bucket, and self time per function, from a CPU profile. */
export function summarise (profile: CpuProfile, top = 15): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  const functions = new Map<string, number>()
  let total = 0
  let idle = 0
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0
    const frame = byId.get(id)?.callFrame
    if (!frame) return
    total += us
    if (frame.functionName === '(idle)') { idle += us; return }
    const bucket = bucketOf(frame)
    add(self, bucket, us)
    add(functions, `${frame.functionName || '(anonymous)'}  ${bucket}${frame.url ? ':' + (frame.lineNumber + 1) : ''}`, us)
    const onStack = new Set<string>()
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const f = byId.get(n)?.callFrame
      if (f && f.functionName !== '(root)') onStack.add(bucketOf(f))
    }
    for (const b of onStack) add(inclusive, b, us)
  })
  const busy = total - idle
  return { totalMs: total / 1000, busyMs: busy / 1000, self: shares(self, busy, top), inclusive: shares(inclusive, busy, top), functions: shares(functions, busy, top) }
}

/** Reads a .cpuprofile file. */
export function readProfile (file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
}
