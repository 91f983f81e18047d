import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { parse } from 'yaml'
import { testConfig } from '../helpers/build.js'
import { GRANTS_POLICY, bearer, grantPeers } from '../helpers/grants.js'

const ROOT = new URL('../../', import.meta.url).pathname
const DASHBOARD = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/ro2key-dashboard.json'), 'utf8'))
const ALERTS_FILE = join(ROOT, 'deploy/prometheus/ro2key-alerts.yaml')
const ALERTS = parse(readFileSync(ALERTS_FILE, 'utf8')) as {
  groups: Array<{ rules: Array<{ alert: string, expr: string, annotations: Record<string, string> }> }>
}
const RULES = ALERTS.groups.flatMap((g) => g.rules)
/** labels Prometheus adds at scrape time, and the histogram bucket label */
const SCRAPE_LABELS = ['job', 'instance', 'le']
const OWN_METRIC = /\b((?:ro2key|nodejs|process)_[a-z0-9_]+)\b/g

interface Panel { title: string, targets?: Array<{ expr: string }> }
const PANELS = DASHBOARD.panels as Panel[]
const DASHBOARD_EXPRS = [
  ...PANELS.flatMap((p) => (p.targets ?? []).map((target) => ({ where: p.title, expr: target.expr }))),
  ...(DASHBOARD.templating.list as Array<{ name: string, query: unknown }>)
    .filter((v) => typeof v.query === 'string' && v.query.includes('_'))
    .map((v) => ({ where: `variable ${v.name}`, expr: v.query as string }))
]

/** sample name -> label names seen on it, from Prometheus text exposition */
function exported (text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>()
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line)
    if (m === null) continue
    const labels = out.get(m[1] as string) ?? new Set<string>()
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_]\w*)="/g)) labels.add(l[1] as string)
    out.set(m[1] as string, labels)
  }
  return out
}

/** metric names in a PromQL expression, each with the label names its selector and `by (...)` use */
function used (expr: string): Array<{ metric: string, labels: string[] }> {
  const byLabels = [...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => (m[1] ?? '').split(',').map((s) => s.trim()))
  return [...expr.matchAll(OWN_METRIC)].map((m) => {
    const selector = expr.slice((m.index ?? 0) + (m[1] as string).length)
    const matchers = selector.startsWith('{') ? selector.slice(1, selector.indexOf('}')) : ''
    const labels = [...matchers.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1] as string)
    return { metric: m[1] as string, labels: [...labels, ...byLabels] }
  })
}

/** The /metrics of a real ro2key with grants that served a credential, refused a request and swept once. */
async function liveMetrics (t: Test): Promise<Map<string, Set<string>>> {
  const peers = await grantPeers(t, 'ro2key-observability')
  const config = testConfig({
    TOKENINFO_URL: peers.tokeninfo.url, POLICY: GRANTS_POLICY, STORE_TABLE: 'ro2key-observability', STORE_CREATE: 'true'
  })
  const { app } = await peers.build(t, { ...config, store: config.store && { ...config.store, sweepInterval: 0 } })
  for (let i = 0; i < 2; i++) {
    t.equal((await app.inject({ url: '/get_key/S3MintReadOnly', headers: bearer('alice') })).statusCode, 200)
  }
  t.equal((await app.inject({ url: '/nowhere' })).statusCode, 404)
  t.equal((await app.inject({ url: '/ready' })).statusCode, 200)
  await app.sweeper?.run()
  return exported((await app.inject({ url: '/metrics' })).body)
}

t.test('against the /metrics of a running ro2key', async (t) => {
  const live = await liveMetrics(t)
  await checkDashboard(t, live)
  await checkAlertMetrics(t, live)
})

async function checkDashboard (t: Test, live: Map<string, Set<string>>): Promise<void> {
  await t.test('every dashboard query names metrics and labels a running ro2key exports', async (t) => {
    t.ok(DASHBOARD_EXPRS.length >= 12, 'a query per panel')
    for (const { where, expr } of DASHBOARD_EXPRS) {
      const metrics = used(expr)
      t.ok(metrics.length > 0, `${where}: names a metric of ro2key`)
      for (const { metric, labels } of metrics) {
        t.ok(live.has(metric), `${where}: ${metric} is exported`)
        const have = live.get(metric) ?? new Set()
        for (const label of labels.filter((l) => !SCRAPE_LABELS.includes(l))) {
          t.ok(have.has(label), `${where}: ${metric} has label ${label}`)
        }
      }
    }
    const titles = PANELS.map((p) => p.title.toLowerCase()).join('\n')
    for (const topic of ['route and status', 'latency', 'role and team', 'cache hit', 'upstream latency',
      'upstream errors', 'rate-limit and load-shedding', 'grants active', 'sweeper']) {
      t.ok(titles.includes(topic), `a panel for ${topic}`)
    }
  })
}

async function checkAlertMetrics (t: Test, live: Map<string, Set<string>>): Promise<void> {
  await t.test('every alert names only metrics ro2key exports (or kube-state-metrics), with a runbook in operations.md',
    async (t) => {
      const anchors = [...readFileSync(join(ROOT, 'docs/operations.md'), 'utf8').matchAll(/^#+ (.+)$/gm)]
        .map((m) => (m[1] as string).toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-'))
      for (const rule of RULES) {
        for (const { metric, labels } of used(rule.expr)) {
          t.ok(live.has(metric), `${rule.alert}: ${metric} is exported`)
          for (const label of labels.filter((l) => !SCRAPE_LABELS.includes(l))) {
            t.ok(live.get(metric)?.has(label), `${rule.alert}: ${metric} has label ${label}`)
          }
        }
        const anchor = rule.annotations.runbook_url?.split('#')[1] ?? ''
        t.ok(anchors.includes(anchor), `${rule.alert}: docs/operations.md#${anchor} exists`)
      }
      t.same(RULES.map((r) => r.alert).filter((a) => !a.startsWith('Ro2key')), [], 'every alert is named Ro2key…')
    })
}

const noPromtool = spawnSync('promtool', ['--version']).error !== undefined
t.test('promtool: the rules are valid, and each alert fires on its trouble and not on calm', {
  skip: noPromtool ? 'promtool is not on PATH: apt-get install -y prometheus (.ci/run installs it)' : false
}, async (t) => {
  const check = spawnSync('promtool', ['check', 'rules', ALERTS_FILE], { encoding: 'utf8' })
  t.equal(check.status, 0, check.stdout + check.stderr)
  t.match(check.stdout, `SUCCESS: ${RULES.length} rules found`)
  const unit = spawnSync('promtool', ['test', 'rules', join(ROOT, 'deploy/prometheus/ro2key-alerts.test.yaml')],
    { encoding: 'utf8' })
  t.equal(unit.status, 0, unit.stdout + unit.stderr)
  const tested = readFileSync(join(ROOT, 'deploy/prometheus/ro2key-alerts.test.yaml'), 'utf8')
  for (const rule of RULES) t.ok(tested.includes(`alertname: ${rule.alert}`), `${rule.alert} has a promtool test`)
})
