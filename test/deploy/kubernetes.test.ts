import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { parse, parseAllDocuments } from 'yaml'
import { loadConfig } from '../../src/config/index.js'
import { loadPolicyFile } from '../../src/policy/policy-file.js'
import { configEnvNames } from '../helpers/config-env.js'
import { last, parseDockerfile, type Stage } from '../helpers/dockerfile.js'

const ROOT = new URL('../../', import.meta.url).pathname
const DIR = join(ROOT, 'deploy/kubernetes')
const KUSTOMIZATION = parse(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8')) as Record<string, any>
type Manifest = { apiVersion: string, kind: string, metadata: Record<string, any>, spec?: Record<string, any> }
const MANIFESTS = (KUSTOMIZATION.resources as string[]).flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((d) => d.toJS() as Manifest))
const kind = (k: string): Manifest => {
  const found = MANIFESTS.filter((m) => m.kind === k)
  if (found.length !== 1) throw new Error(`expected one ${k}, found ${found.length}`)
  return found[0] as Manifest
}
const DEPLOYMENT = kind('Deployment')
const POD = DEPLOYMENT.spec?.template.spec as Record<string, any>
const CONTAINER = POD.containers[0] as Record<string, any>
const IAM = (name: string): Record<string, any> => JSON.parse(readFileSync(join(ROOT, 'deploy/iam', name), 'utf8'))

t.test('kustomization lists every manifest, and they are the expected kinds', async (t) => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml' && f !== 'policy.yaml').sort()
  t.same([...KUSTOMIZATION.resources].sort(), files, 'nothing left out of `kubectl apply -k`')
  t.same(MANIFESTS.map((m) => m.kind).sort(),
    ['Deployment', 'HorizontalPodAutoscaler', 'Namespace', 'PodDisruptionBudget', 'Service', 'ServiceAccount'])
  t.match(Object.fromEntries(MANIFESTS.map((m) => [m.kind, m.apiVersion])), {
    Deployment: 'apps/v1', HorizontalPodAutoscaler: 'autoscaling/v2', PodDisruptionBudget: 'policy/v1'
  }, 'current API versions')
  t.equal(KUSTOMIZATION.namespace, kind('Namespace').metadata.name)
})

t.test('IRSA: the service account carries ro2key\'s own role, the one the samples trust and are trusted by', async (t) => {
  const sa = kind('ServiceAccount')
  t.equal(POD.serviceAccountName, sa.metadata.name)
  const roleArn = sa.metadata.annotations['eks.amazonaws.com/role-arn']
  t.same(IAM('target-role-trust.json').Statement[0].Principal, { AWS: roleArn }, 'vended roles trust exactly this role')
  const condition = IAM('ro2key-trust-eks-irsa.json').Statement[0].Condition.StringEquals as Record<string, string>
  const sub = Object.entries(condition).find(([k]) => k.endsWith(':sub'))?.[1]
  t.equal(sub, `system:serviceaccount:${KUSTOMIZATION.namespace}:${sa.metadata.name}`, 'and that role trusts this service account')
  const arnPrefix = CONTAINER.env.find((e: any) => e.name === 'ARN_PREFIX').value as string
  t.notOk(roleArn.startsWith(`${arnPrefix}/`), 'ro2key\'s own role is not one it vends')
})

t.test('selectors, ports and the autoscaler fit together', async (t) => {
  const labels = DEPLOYMENT.spec?.template.metadata.labels as Record<string, string>
  const matches = (selector: Record<string, string>): boolean => Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v)
  t.ok(matches(DEPLOYMENT.spec?.selector.matchLabels), 'Deployment selects its pods')
  t.ok(matches(kind('Service').spec?.selector), 'Service selects them')
  t.ok(matches(kind('PodDisruptionBudget').spec?.selector.matchLabels), 'PodDisruptionBudget guards them')
  const port = kind('Service').spec?.ports[0]
  t.same(CONTAINER.ports.find((p: any) => p.name === port.targetPort), { name: 'http', containerPort: 8080 }, 'Service -> container port 8080')
  const hpa = kind('HorizontalPodAutoscaler').spec as Record<string, any>
  t.same(hpa.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: DEPLOYMENT.metadata.name })
  t.ok(hpa.minReplicas >= 2, 'two replicas at least')
  t.ok(kind('PodDisruptionBudget').spec?.minAvailable < hpa.minReplicas, 'a node drain can always evict one pod')
  t.equal(DEPLOYMENT.spec?.strategy.rollingUpdate.maxUnavailable, 0, 'rollouts never drop below the count')
})

t.test('probes: liveness on /health, readiness on /ready', async (t) => {
  t.match(CONTAINER.livenessProbe, { httpGet: { path: '/health', port: 'http' } })
  t.match(CONTAINER.readinessProbe, { httpGet: { path: '/ready', port: 'http' } })
  const paths = Object.keys((parse(readFileSync(join(ROOT, 'openapi.yaml'), 'utf8')) as { paths: object }).paths)
  t.ok(paths.includes('/health'), '/health is in the contract')
  t.ok(paths.includes('/ready'), '/ready is in the contract')
  const grace = Number(/SHUTDOWN_GRACE_MS = ([\d_]+)/.exec(readFileSync(join(ROOT, 'src/main.ts'), 'utf8'))?.[1]?.replace(/_/g, ''))
  t.ok(grace > 0 && POD.terminationGracePeriodSeconds * 1000 > grace, 'Kubernetes waits longer than ro2key drains')
})

t.test('security context: non-root (the image\'s user), read-only root file system, nothing extra', async (t) => {
  const runtime = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).stages.at(-1) as Stage
  const [uid, gid] = (last(runtime, 'USER')?.args ?? '').split(':').map(Number)
  t.match(POD.securityContext, { runAsNonRoot: true, runAsUser: uid, runAsGroup: gid, seccompProfile: { type: 'RuntimeDefault' } })
  t.not(uid, 0)
  t.match(CONTAINER.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } })
  t.equal(kind('Namespace').metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted')
  t.notMatch(KUSTOMIZATION.images[0].newTag, /^latest$/)
  t.ok(CONTAINER.resources.requests.cpu, 'CPU request: the autoscaler needs it')
})

t.test('the environment and the mounted policy make a valid configuration', async (t) => {
  const read = configEnvNames()
  const env = Object.fromEntries((CONTAINER.env as Array<{ name: string, value: string }>).map((e) => [e.name, e.value]))
  for (const name of Object.keys(env)) t.ok(read.includes(name), `${name} is read by ro2key`)
  const mount = CONTAINER.volumeMounts.find((m: any) => m.name === 'policy')
  const volume = POD.volumes.find((v: any) => v.name === 'policy')
  const generator = KUSTOMIZATION.configMapGenerator.find((g: any) => g.name === volume.configMap.name)
  t.ok(generator, 'the policy volume is the generated ConfigMap')
  t.equal(env.POLICY_FILE, `${mount.mountPath}/${generator.files[0]}`, 'POLICY_FILE names the mounted file')
  t.ok(mount.readOnly)
  const policy = loadPolicyFile(join(DIR, generator.files[0]))
  t.ok(policy.teams.has('mint'), 'the sample policy is valid')

  const work = mkdtempSync(join(tmpdir(), 'ro2key-k8s-'))
  t.teardown(() => rmSync(work, { recursive: true, force: true }))
  writeFileSync(join(work, 'policy.yaml'), readFileSync(join(DIR, generator.files[0])))
  const config = loadConfig({ ...env, POLICY_FILE: join(work, 'policy.yaml') })
  t.equal(config.port, 8080)
  t.equal(config.awsRegion, env.AWS_REGION)
})

const noKubectl = spawnSync('kubectl', ['version', '--client']).error !== undefined
t.test('kubectl kustomize renders it, with a policy ConfigMap named after its content', {
  skip: noKubectl ? 'kubectl is not on PATH (the checks above ran on the files)' : false
}, async (t) => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile('kubectl', ['kustomize', DIR], (err, stdout) => { if (err) reject(err); else resolve(stdout) })
  })
  const docs = parseAllDocuments(out).map((d) => d.toJS() as Manifest)
  const configMap = docs.find((d) => d.kind === 'ConfigMap')
  t.match(configMap?.metadata.name, /^ro2key-policy-[a-z0-9]+$/)
  const deployment = docs.find((d) => d.kind === 'Deployment')
  t.equal(deployment?.spec?.template.spec.volumes[0].configMap.name, configMap?.metadata.name, 'editing policy.yaml rolls the pods')
  t.equal(deployment?.spec?.template.spec.containers[0].image, `${KUSTOMIZATION.images[0].newName}:${KUSTOMIZATION.images[0].newTag}`)
  t.ok(docs.filter((d) => d.kind !== 'Namespace').every((d) => d.metadata.namespace === 'ro2key'), 'all in the namespace')
})
