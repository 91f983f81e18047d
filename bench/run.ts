// npm run bench [-- --quick] [-- --log=sync|async] [-- --hot] [-- --profile [--keep-profile]] [-- --memory] [-- --startup]
// (--memory: only the memory phase; --hot: only the hot path against the baselines; --startup: only start-up and RSS)
// Starts moto (STS), the tokeninfo peer, ro2key and two bare-Fastify baselines on loopback:
// "plain" (`logger: true`, what a user would otherwise run: the target's baseline) and the old one
// (ro2key's own logger). Measures interleaved: (a) hot path, (b) cold tokens, (c) cold credentials;
// then start-up (spawn -> first 200 on /ready) and RSS after boot, the upstream calls of a
// 500-request burst, and the memory of 10 000 distinct principals (synthetic STS).
import { cpus, loadavg } from 'node:os'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Agent, request } from 'undici'
import { assumeRoleCalls } from '../dev/peers/moto-calls.js'
import { ARN_PREFIX, startMoto, type Moto } from '../dev/peers/moto.js'
import { startTokeninfo, type TokeninfoPeer } from '../dev/peers/tokeninfo.js'
import { compileServers, removeLogs, startServer, type Server, type Which } from './children.js'
import { boot, PLAIN_MAIN, RO2KEY_MAIN, type Boot } from './startup.js'
import { load, type Measured } from './load.js'
import { readProfile, summarise, type Share, type Summary } from './profile.js'

const args = new Set(process.argv.slice(2))
const quick = args.has('--quick')
/** only the hot path against the baseline, e.g. to compare log destinations */
const hotOnly = args.has('--hot')
const logMode = ['sync', 'async'].find((m) => args.has(`--log=${m}`)) ?? 'group-commit'
const RUN_SECONDS = quick ? 1 : 4
const ROUNDS = quick ? 1 : 3
const CONNECTIONS = 16
const BURST = 500
const PRINCIPALS = quick ? 500 : 10_000
const ROLE = 'S3MintReadOnly'
const PATH = `/get_key/${ROLE}`
const MB = 1024 * 1024
/** The memory phase stops here even if not all principals were reached (the tokeninfo peer's rate). */
const MEMORY_BUDGET_MS = 90_000
const BOOTS = quick ? 1 : 5
const began = Date.now()
const loadAtStart = loadavg()

const cleanups: Array<() => Promise<unknown>> = []
const out = (line = ''): void => { process.stdout.write(line + '\n') }
const fmt = (n: number, digits = 0): string => n.toFixed(digits).padStart(8)
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)] ?? NaN }

function row (label: string, runs: Measured[], extra = ''): void {
  out(`  ${label.padEnd(38)}${fmt(median(runs.map((r) => r.rps)))}${fmt(median(runs.map((r) => r.p50)), 1)}${fmt(median(runs.map((r) => r.p99)), 1)}  ${extra}`)
}

function assertClean (name: string, m: Measured): Measured {
  if (m.failures > 0) throw new Error(`${name}: ${m.failures} failed requests of ${m.requests}`)
  return m
}

async function startPeers (): Promise<{ moto: Moto, tokeninfo: TokeninfoPeer, env: NodeJS.ProcessEnv }> {
  const moto = await startMoto()
  cleanups.push(() => moto.stop())
  await moto.createRole(ROLE)
  const tokeninfo = await startTokeninfo()
  cleanups.push(() => tokeninfo.stop())
  // The user's own AWS settings stay out: every AWS call goes to moto.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')))
  const env = {
    ...clean,
    ...moto.env,
    ARN_PREFIX,
    TOKENINFO_URL: tokeninfo.url,
    POLICY: `teams: {mint: {roles: [${ROLE}]}}`,
    LOG_LEVEL: 'info',
    // rate limiting stays on, with a limit the run cannot reach (the default 600/min would answer 429)
    RATE_LIMIT_PER_MINUTE: '1000000',
    BENCH_LOG: logMode
  }
  return { moto, tokeninfo, env }
}

async function start (name: string, which: Which, env: NodeJS.ProcessEnv, execArgv: string[] = []): Promise<Server> {
  const server = await startServer(name, which, env, execArgv)
  cleanups.push(() => server.stop())
  return server
}

/** 500 requests at once, same fresh token, same fresh principal: how many upstream calls? */
async function burst (ro2key: Server, moto: Moto, tokeninfo: TokeninfoPeer): Promise<void> {
  tokeninfo.add('bench-burst-token', { uid: 'burst-robot', team: 'mint' })
  const before = tokeninfo.calls
  const agent = new Agent({ connections: BURST })
  try {
    const answers = await Promise.all(Array.from({ length: BURST }, async () => {
      const res = await request(`${ro2key.url}${PATH}`, { headers: { authorization: 'Bearer bench-burst-token' }, dispatcher: agent })
      return { status: res.statusCode, body: await res.body.json() as { AccessKeyId?: string } }
    }))
    const ok = answers.filter((a) => a.status === 200).length
    const keys = new Set(answers.map((a) => a.body.AccessKeyId)).size
    const tokeninfoCalls = tokeninfo.calls - before
    const stsCalls = await assumeRoleCalls(moto, 'burst-robot')
    const verdict = tokeninfoCalls === 1 && stsCalls === 1 ? 'target met' : 'TARGET MISSED'
    out(`burst: ${BURST} concurrent identical cold requests -> ${ok} x 200, ${keys} distinct credential(s);`)
    out(`       upstream calls: tokeninfo ${tokeninfoCalls}, AssumeRole ${stsCalls}  (target 1 + 1: ${verdict})`)
  } finally {
    await agent.close()
  }
}

/** Peak RSS of a fresh ro2key after serving PRINCIPALS distinct principals (both caches fill). */
async function memory (env: NodeJS.ProcessEnv, tokeninfo: TokeninfoPeer, baseline: Server | undefined, deadline: number | undefined): Promise<void> {
  // A synthetic STS (bench/fake-sts.ts) through the deps.sts seam: moto's AssumeRole rate would cut the run short.
  const ro2key = await start('ro2key (memory)', 'ro2key', { ...env, BENCH_FAKE_STS: '1' })
  const idle = await ro2key.rss()
  await load({ url: ro2key.url, path: PATH, connections: CONNECTIONS, token: 'bench-hot-token', duration: 2 })
  const warm = await ro2key.rss()
  let n = 0
  const started = Date.now()
  const m = assertClean('principals', await load({
    url: ro2key.url,
    path: PATH,
    amount: PRINCIPALS,
    ...(deadline === undefined ? {} : { deadline }),
    connections: 32,
    token: () => {
      const i = n++
      tokeninfo.add(`bench-principal-${i}`, { uid: `robot-${i}`, team: 'mint' })
      return `bench-principal-${i}`
    }
  }))
  const after = await ro2key.rss()
  const base = baseline ? `; baseline peak ${(await baseline.rss()).maxRss / MB | 0} MB` : ''
  const perPrincipal = (after.heapUsed - warm.heapUsed) / Math.max(1, m.requests)
  const cut = m.requests < PRINCIPALS ? ' (stopped by the time budget: the tokeninfo peer and the machine\'s load)' : ''
  out(`memory: ${m.requests} distinct principals${cut} in ${((Date.now() - started) / 1000).toFixed(0)} s (synthetic STS through deps.sts)` +
    ` -> ro2key peak RSS ${(after.maxRss / MB).toFixed(0)} MB`)
  out(`        RSS ${(idle.rss / MB).toFixed(0)} MB after start, ${(warm.rss / MB).toFixed(0)} MB after a 2 s hot-path warm-up${base};`)
  out(`        live heap after GC +${((after.heapUsed - warm.heapUsed) / MB).toFixed(1)} MB = ${(perPrincipal / 1024).toFixed(2)} kB per principal (token + credential cache entry),` +
    ` i.e. ~${(perPrincipal * 10_000 / MB).toFixed(0)} MB for 10 000 (target <= 2 kB: ${perPrincipal <= 2048 ? 'met' : 'MISSED'})`)
  await ro2key.stop()
}

/** Start-up, interleaved: spawn -> first 200 on /ready, and RSS a second later; medians of BOOTS runs. */
async function startup (env: NodeJS.ProcessEnv): Promise<{ ro2key: Boot, plain: Boot }> {
  const runs = { ro2key: [] as Boot[], plain: [] as Boot[] }
  for (let i = 0; i < BOOTS; i++) {
    runs.ro2key.push(await boot('boot-ro2key', RO2KEY_MAIN, env))
    runs.plain.push(await boot('boot-plain', PLAIN_MAIN, env))
  }
  const med = (bs: Boot[]): Boot => ({ readyMs: median(bs.map((b) => b.readyMs)), rss: median(bs.map((b) => b.rss)) })
  const ro2key = med(runs.ro2key)
  const plain = med(runs.plain)
  const ratio = ro2key.readyMs / plain.readyMs
  const met = ro2key.readyMs <= 600 && ratio <= 2 ? 'met' : 'MISSED'
  out(`start-up (node dist/main.js -> first 200 on /ready, median of ${BOOTS}): ro2key ${ro2key.readyMs.toFixed(0)} ms,` +
    ` plain Fastify ${plain.readyMs.toFixed(0)} ms, ratio ${ratio.toFixed(2)} (target <= 600 ms and <= 2.00: ${met});` +
    ` rounds ro2key ${runs.ro2key.map((b) => b.readyMs.toFixed(0)).join(' ')}, plain ${runs.plain.map((b) => b.readyMs.toFixed(0)).join(' ')}`)
  out(`RSS 1 s after ready: ro2key ${(ro2key.rss / MB).toFixed(0)} MB, plain Fastify ${(plain.rss / MB).toFixed(0)} MB` +
    ` (target <= 80 MB: ${ro2key.rss <= 80 * MB ? 'met' : 'MISSED'})`)
  return { ro2key, plain }
}

type Side = 'plain' | 'base' | 'hot'

async function main (): Promise<void> {
  await compileServers()
  if (args.has('--profile')) return await profile()
  if (args.has('--memory')) {
    const { tokeninfo, env } = await startPeers()
    tokeninfo.add('bench-hot-token', { uid: 'bench-robot', team: 'mint' })
    return await memory(env, tokeninfo, undefined, undefined)
  }
  if (args.has('--startup')) {
    const { env } = await startPeers()
    out(`ro2key start-up ${new Date().toISOString()}: load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}`)
    await startup(env)
    return
  }
  const { moto, tokeninfo, env } = await startPeers()
  tokeninfo.add('bench-hot-token', { uid: 'bench-robot', team: 'mint' })
  const ro2key = await start('ro2key', 'ro2key', env)
  const cacheOff = await start('ro2key (credential cache off)', 'ro2key', { ...env, CREDENTIAL_CACHE_MAX_AGE: '0' })
  const sample = await (await fetch(`${ro2key.url}${PATH}`, { headers: { authorization: 'Bearer bench-hot-token' } })).text()
  const plain = await start('plain', 'plain', { ...env, BENCH_BODY: sample })
  const baseline = await start('baseline', 'baseline', { ...env, BENCH_BODY: sample })
  const baseSample = await (await fetch(`${plain.url}${PATH}`)).text()

  out(`ro2key benchmark ${new Date().toISOString()}: node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'},` +
    ` load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}; loopback, logs to files,`)
  out(`  ro2key log destination ${logMode}, ${ROUNDS} round(s) x ${RUN_SECONDS} s per scenario, ${CONNECTIONS} connections`)
  out(`body: ro2key ${sample.length} B, baselines ${baseSample.length} B`)

  const hot = { url: ro2key.url, path: PATH, connections: CONNECTIONS, token: 'bench-hot-token' }
  const targets: Record<Side, typeof hot> = { plain: { ...hot, url: plain.url }, base: { ...hot, url: baseline.url }, hot }
  const servers: Record<Side, Server> = { plain, base: baseline, hot: ro2key }
  // Warm-up: JIT, connection pools, the caches.
  for (const side of ['plain', 'base', 'hot', 'plain', 'base', 'hot'] as const) await load({ ...targets[side], duration: quick ? 0.5 : 1 })
  const runs = { plain: [] as Measured[], base: [] as Measured[], hot: [] as Measured[], coldTokens: [] as Measured[], coldCreds: [] as Measured[] }
  const writes = { plain: 0, base: 0, hot: 0 }
  // peak RSS during the hot runs only (VmHWM reset before each; the cold phases fill the caches)
  const hotPeak = { plain: 0, base: 0, hot: 0 }
  const cpu = { plain: [] as number[], base: [] as number[], hot: [] as number[], coldTokens: 0, coldCreds: 0 }
  let tokeninfoCalls = 0
  let stsCalls = 0
  let cold = 0
  await ro2key.settle()
  const auditsBefore = ro2key.audits
  const orders: Side[][] = [['plain', 'base', 'hot'], ['hot', 'plain', 'base'], ['base', 'hot', 'plain']]
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate who goes first, so a drift in machine load does not favour one side.
    for (const which of orders[round % orders.length] ?? []) {
      const server = servers[which]
      const w = server.writes() ?? NaN
      const c = server.cpu() ?? NaN
      const peakReset = server.resetPeak()
      const m = assertClean(which, await load({ ...targets[which], duration: RUN_SECONDS }))
      if (peakReset) hotPeak[which] = Math.max(hotPeak[which], (await server.rss()).maxRss)
      runs[which].push(m)
      writes[which] += (server.writes() ?? NaN) - w
      cpu[which].push(((server.cpu() ?? NaN) - c) * 1e6 / m.requests)
    }
    if (hotOnly) continue
    const calls = tokeninfo.calls
    let c = ro2key.cpu() ?? NaN
    runs.coldTokens.push(assertClean('cold tokens', await load({
      ...hot,
      duration: RUN_SECONDS,
      token: () => {
        const token = `bench-cold-${cold++}`
        tokeninfo.add(token, { uid: 'bench-robot', team: 'mint' })
        return token
      }
    })))
    cpu.coldTokens += (ro2key.cpu() ?? NaN) - c
    tokeninfoCalls += tokeninfo.calls - calls
    const sts = await assumeRoleCalls(moto)
    c = cacheOff.cpu() ?? NaN
    runs.coldCreds.push(assertClean('cold credentials', await load({ ...hot, url: cacheOff.url, duration: RUN_SECONDS })))
    cpu.coldCreds += (cacheOff.cpu() ?? NaN) - c
    stsCalls += await assumeRoleCalls(moto) - sts
  }
  const ratios = runs.hot.map((h, i) => h.rps / (runs.plain[i]?.rps ?? NaN))
  const oldRatios = runs.hot.map((h, i) => h.rps / (runs.base[i]?.rps ?? NaN))
  const coldTokenRequests = runs.coldTokens.reduce((s, r) => s + r.requests, 0)
  const coldCredRequests = runs.coldCreds.reduce((s, r) => s + r.requests, 0)
  const list = (xs: number[]): string => xs.map((r) => r.toFixed(2)).join(' ')
  out()
  out(`  ${'scenario (median of rounds)'.padEnd(38)}${'rps'.padStart(8)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}`)
  row('baseline: Fastify logger: true', runs.plain, 'bare Fastify as a user sets it up: pino, sync, stdout to a file')
  row('old baseline: Fastify, ro2key logger', runs.base, 'same logger options and destination as ro2key')
  row('(a) ro2key hot path', runs.hot, `ratio ro2key/baseline ${median(ratios).toFixed(2)} (rounds: ${list(ratios)}; target >= 0.80:` +
    ` ${median(ratios) >= 0.8 ? 'met' : 'MISSED'})`)
  out(`  ${''.padEnd(38)}${''.padStart(24)}  ratio ro2key/old baseline ${median(oldRatios).toFixed(2)} (rounds: ${list(oldRatios)})`)
  const perRequest = (w: number, rs: Measured[]): string => (w / rs.reduce((s, r) => s + r.requests, 0)).toFixed(2)
  const cpuRatios = cpu.hot.map((h, i) => (cpu.plain[i] ?? NaN) / h)
  out(`  server CPU per request: baseline ${median(cpu.plain).toFixed(0)} us, old baseline ${median(cpu.base).toFixed(0)} us,` +
    ` ro2key ${median(cpu.hot).toFixed(0)} us; CPU-bound throughput ratio ro2key/baseline ${median(cpuRatios).toFixed(2)} (rounds: ${list(cpuRatios)})`)
  out(`  write(2) calls per request (socket + log): baseline ${perRequest(writes.plain, runs.plain)},` +
    ` old baseline ${perRequest(writes.base, runs.base)}, ro2key ${perRequest(writes.hot, runs.hot)}`)
  const peak = hotPeak.hot > 0
    ? { ro2key: hotPeak.hot, plain: hotPeak.plain }
    : { ro2key: (await ro2key.rss()).maxRss, plain: (await plain.rss()).maxRss }
  out(`  peak RSS during the hot runs: ro2key ${(peak.ro2key / MB).toFixed(0)} MB, baseline ${(peak.plain / MB).toFixed(0)} MB` +
    ` (target <= baseline + 15 MB: ${peak.ro2key <= peak.plain + 15 * MB ? 'met' : 'MISSED'})`)
  if (hotOnly) return
  row('(b) ro2key cold tokens', runs.coldTokens, `${tokeninfoCalls} tokeninfo calls for ${coldTokenRequests} requests`)
  row('(c) ro2key cold credentials (cache off)', runs.coldCreds, `${stsCalls} AssumeRole calls for ${coldCredRequests} requests`)
  out(`  ro2key's own CPU per cold request (its process only, peers excluded): new token ${(cpu.coldTokens * 1e6 / coldTokenRequests).toFixed(0)} us,` +
    ` cache miss to STS ${(cpu.coldCreds * 1e6 / coldCredRequests).toFixed(0)} us`)
  const served = [...runs.hot, ...runs.coldTokens].reduce((s, r) => s + r.requests, 0)
  await ro2key.settle()
  const audited = ro2key.audits - auditsBefore
  const stopped = ROUNDS * 2 * CONNECTIONS
  const auditVerdict = audited >= served && audited <= served + stopped ? 'one per serving' : 'MISMATCH'
  out(`  audit lines: ${audited} for ${served} credential responses received (up to ${stopped} more in flight when runs stopped): ${auditVerdict}`)
  out()
  await cacheOff.stop()
  await baseline.stop()
  await burst(ro2key, moto, tokeninfo)
  await startup(env)
  await memory(env, tokeninfo, plain, Date.now() + MEMORY_BUDGET_MS)
  out(`took ${((Date.now() - began) / 1000).toFixed(0)} s`)
}

/** Profiles one server under the hot-path load; the profile covers the measured run only. */
async function profiled (server: Server, dir: string): Promise<{ m: Measured, s: Summary }> {
  const hot = { url: server.url, path: PATH, connections: CONNECTIONS, token: 'bench-hot-token' }
  await load({ ...hot, duration: 2 })
  await server.profileStart()
  const m = assertClean(`profiled ${server.name}`, await load({ ...hot, duration: quick ? 2 : 8 }))
  const file = join(dir, `${server.name}.cpuprofile`)
  await server.profileStop(file)
  if (args.has('--keep-profile')) copyFileSync(file, `${server.name}.cpuprofile`)
  return { m, s: summarise(readProfile(file), 25) }
}

/** --profile: ro2key and the baseline (Fastify, logger: true) under the V8 CPU profiler; where ro2key's extra time goes. */
async function profile (): Promise<void> {
  const { tokeninfo, env } = await startPeers()
  tokeninfo.add('bench-hot-token', { uid: 'bench-robot', team: 'mint' })
  const dir = mkdtempSync(join(tmpdir(), 'ro2key-prof-'))
  cleanups.push(async () => { rmSync(dir, { recursive: true, force: true }) })
  const ro2key = await start('ro2key', 'ro2key', env)
  const sample = await (await fetch(`${ro2key.url}${PATH}`, { headers: { authorization: 'Bearer bench-hot-token' } })).text()
  const baseline = await start('plain', 'plain', { ...env, BENCH_BODY: sample })
  const r = await profiled(ro2key, dir)
  const b = await profiled(baseline, dir)
  // CPU microseconds per request, from the profile's busy time and the requests served.
  const perReq = (x: { m: Measured, s: Summary }): number => (x.s.busyMs * 1000) / x.m.requests
  out(`profiled hot path (profiler on), log destination ${logMode}:`)
  out(`  ro2key   ${r.m.rps.toFixed(0).padStart(6)} rps, ${perReq(r).toFixed(0)} us CPU per request`)
  out(`  baseline ${b.m.rps.toFixed(0).padStart(6)} rps, ${perReq(b).toFixed(0)} us CPU per request`)
  const usOf = (x: { m: Measured, s: Summary }, shares: Share[]): Map<string, number> =>
    new Map(shares.map((sh) => [sh.name, (sh.percent / 100) * perReq(x)]))
  const table = (title: string, pick: (s: Summary) => Share[]): void => {
    const ro = usOf(r, pick(r.s))
    const ba = usOf(b, pick(b.s))
    out(`\n${title}   ${'ro2key'.padStart(8)}${'baseline'.padStart(10)}${'extra'.padStart(8)}  (us per request)`)
    const names = [...new Set([...ro.keys(), ...ba.keys()])]
      .sort((x, y) => ((ro.get(y) ?? 0) - (ba.get(y) ?? 0)) - ((ro.get(x) ?? 0) - (ba.get(x) ?? 0)))
    for (const name of names) {
      const a = ro.get(name) ?? 0
      const c = ba.get(name) ?? 0
      out(`  ${name.slice(0, 60).padEnd(60)}${a.toFixed(1).padStart(8)}${c.toFixed(1).padStart(10)}${(a - c).toFixed(1).padStart(8)}`)
    }
  }
  table('inclusive time by package (a sample counts for every package on its stack)'.padEnd(60), (s) => s.inclusive)
  table('self time by package'.padEnd(60), (s) => s.self)
  out('\nro2key top functions by self time:')
  for (const f of r.s.functions) out(`  ${f.percent.toFixed(1).padStart(5)} %  ${f.name}`)
}

const stop = async (): Promise<void> => {
  for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => {})
  removeLogs()
}
process.once('SIGINT', () => { void stop().then(() => process.exit(130)) })
main().then(stop, async (err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`)
  await stop()
  process.exitCode = 1
})
