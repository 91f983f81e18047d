import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { parse, parseAllDocuments } from 'yaml'
import { loadConfig } from '../../src/config/index.js'

const ROOT = new URL('../../', import.meta.url).pathname
const DIR = join(ROOT, 'deploy/kubernetes-grants')
type Doc = Record<string, any>
const read = (path: string): Doc => parse(readFileSync(join(ROOT, path), 'utf8')) as Doc
type Env = Array<{ name: string, value: string }>
const envOf = (list: Env): Record<string, string> => Object.fromEntries(list.map((e) => [e.name, e.value]))

const BASE = parseAllDocuments(readFileSync(join(ROOT, 'deploy/kubernetes/deployment.yaml'), 'utf8'))[0]?.toJS() as Doc
const BASE_POD = BASE.spec.template.spec as Doc
const PATCH = read('deploy/kubernetes-grants/deployment-store.yaml')
const CRON = read('deploy/kubernetes-grants/sweep-cronjob.yaml')
const CRON_POD = CRON.spec.jobTemplate.spec.template.spec as Doc
const CRON_CONTAINER = CRON_POD.containers[0] as Doc
const replicaEnv = { ...envOf(BASE_POD.containers[0].env), ...envOf(PATCH.spec.template.spec.containers[0].env) }

t.test('the overlay: the base, STORE_TABLE on the replicas with their sweeper off, and the CronJob', async (t) => {
  const kustomization = read('deploy/kubernetes-grants/kustomization.yaml')
  t.same(kustomization.resources, ['../kubernetes', 'sweep-cronjob.yaml'])
  t.equal(kustomization.namespace, read('deploy/kubernetes/kustomization.yaml').namespace, 'the base\'s namespace')
  t.equal(PATCH.metadata.name, BASE.metadata.name)
  t.equal(replicaEnv.SWEEP_INTERVAL, '0', 'the replicas do not sweep')
  t.ok(replicaEnv.STORE_TABLE, 'the replicas have grants')
  t.equal(replicaEnv.METRICS_PORT, '9090', 'the METRICS_PORT split stays')
})

t.test('the CronJob runs one `sweep` a minute, never two at once, with the replicas\' identity and config',
  async (t) => {
    t.match(CRON, { apiVersion: 'batch/v1', kind: 'CronJob', spec: { schedule: '* * * * *', concurrencyPolicy: 'Forbid' } })
    t.same(CRON_CONTAINER.command, ['node', 'dist/main.js', 'sweep'])
    t.same(BASE_POD.containers[0].image, CRON_CONTAINER.image, 'the same image')
    t.equal(CRON_POD.restartPolicy, 'Never')
    t.equal(CRON.spec.jobTemplate.spec.backoffLimit, 0, 'a failed sweep waits for the next run')
    t.equal(CRON_POD.serviceAccountName, BASE_POD.serviceAccountName, 'the same IAM role (IRSA)')
    t.same(CRON_POD.securityContext, BASE_POD.securityContext)
    t.same(CRON_CONTAINER.securityContext, BASE_POD.containers[0].securityContext)
    t.same(CRON_POD.volumes, BASE_POD.volumes, 'the same policy')
    t.same(CRON_CONTAINER.volumeMounts, BASE_POD.containers[0].volumeMounts)
    t.not(CRON.spec.jobTemplate.spec.template.metadata.labels['app.kubernetes.io/name'],
      BASE.spec.selector.matchLabels['app.kubernetes.io/name'], 'sweep pods are not Service endpoints')
    const cronEnv = envOf(CRON_CONTAINER.env)
    const { METRICS_PORT: _m, SWEEP_INTERVAL: _s, ...shared } = replicaEnv
    t.same(cronEnv, shared, 'the replicas\' environment, without the ports and the interval')
    const work = mkdtempSync(join(tmpdir(), 'ro2key-k8s-sweep-'))
    t.teardown(() => rmSync(work, { recursive: true, force: true }))
    writeFileSync(join(work, 'policy.yaml'), readFileSync(join(ROOT, 'deploy/kubernetes/policy.yaml')))
    const config = loadConfig({ ...cronEnv, POLICY_FILE: join(work, 'policy.yaml') })
    t.equal(config.store?.table, replicaEnv.STORE_TABLE, 'a valid configuration with the grants store')
  })

const noKubectl = spawnSync('kubectl', ['version', '--client']).error !== undefined
t.test('kubectl kustomize renders it; the CronJob mounts the content-hashed policy ConfigMap', {
  skip: noKubectl ? 'kubectl is not on PATH (the checks above ran on the files)' : false
}, async (t) => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile('kubectl', ['kustomize', DIR], (err, stdout) => { if (err) reject(err); else resolve(stdout) })
  })
  const docs = parseAllDocuments(out).map((d) => d.toJS() as Doc)
  const configMap = docs.find((d) => d.kind === 'ConfigMap')
  const cron = docs.find((d) => d.kind === 'CronJob')
  const deployment = docs.find((d) => d.kind === 'Deployment')
  t.match(configMap?.metadata.name, /^ro2key-policy-[a-z0-9]+$/)
  t.equal(cron?.spec.jobTemplate.spec.template.spec.volumes[0].configMap.name, configMap?.metadata.name)
  t.equal(cron?.metadata.namespace, deployment?.metadata.namespace)
  t.equal(envOf(deployment?.spec.template.spec.containers[0].env).SWEEP_INTERVAL, '0')
})
