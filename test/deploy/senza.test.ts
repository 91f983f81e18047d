import { readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'
import { loadConfig } from '../../src/config/index.js'
import { configEnvNames, parameterFor, SAMPLE_ARGUMENTS } from '../helpers/config-env.js'

const ROOT = new URL('../../', import.meta.url).pathname
const TEXT = readFileSync(`${ROOT}ro2key.yaml`, 'utf8')
const DEF = parse(TEXT) as Record<string, any>
const IAM = (name: string): Record<string, any> => JSON.parse(readFileSync(`${ROOT}deploy/iam/${name}`, 'utf8'))

type Parameter = { Description: string, Default?: string, AllowedPattern?: string }
const PARAMS = new Map<string, Parameter>(
  (DEF.SenzaInfo.Parameters as Array<Record<string, Parameter>>).map((p) => Object.entries(p)[0] as [string, Parameter])
)
const component = (type: string): Record<string, any> => {
  const found = (DEF.SenzaComponents as Array<Record<string, any>>).map((c) => Object.values(c)[0]).find((c) => c.Type === type)
  if (!found) throw new Error(`no ${type} component`)
  return found
}
const APP = component('Senza::TaupageAutoScalingGroup')
const ENV = APP.TaupageConfig.environment as Record<string, string>

const pascal = parameterFor
const SAMPLES = SAMPLE_ARGUMENTS

t.test('every variable ro2key reads is set in TaupageConfig.environment, and nothing else', async (t) => {
  const read = configEnvNames()
  t.same(read.filter((n) => !(n in ENV)), [], 'missing from ro2key.yaml (add a parameter named in PascalCase and an environment line)')
  t.same(Object.keys(ENV).filter((n) => !read.includes(n)), [], 'set in ro2key.yaml but read by nobody')
})

t.test('each variable comes from its own parameter, or is fixed', async (t) => {
  for (const [name, value] of Object.entries(ENV)) {
    const ref = /^\{\{(\w+)\.(\w+)\}\}$/.exec(String(value))
    if (!ref) t.notMatch(String(value), /\{\{/, `${name} is fixed`)
    else if (ref[1] === 'Arguments') t.equal(ref[2], pascal(name), `${name} <- parameter ${pascal(name)}`)
    else t.same([ref[1], ref[2]], ['AccountInfo', 'Region'], `${name} <- the stack's region`)
  }
  const referenced = new Set([...TEXT.matchAll(/\{\{Arguments\.(\w+)\}\}/g)].map((m) => m[1]))
  t.same([...referenced].filter((p) => !PARAMS.has(p as string)), [], 'every referenced parameter is declared')
  t.same([...PARAMS.keys()].filter((p) => !referenced.has(p)), [], 'every declared parameter is used')
  for (const [name, p] of PARAMS) t.ok(p.Description, `${name} is described`)
})

t.test('the environment, rendered with defaults and sample arguments, is a valid configuration', async (t) => {
  const rendered = Object.fromEntries(Object.entries(ENV).map(([name, value]) => [name, String(value).replace(/\{\{(\w+)\.(\w+)\}\}/g, (_, scope: string, key: string) => {
    if (scope === 'AccountInfo') return 'eu-central-1'
    const value = SAMPLES[key] ?? PARAMS.get(key)?.Default
    if (value === undefined) throw new Error(`parameter ${key} has no Default: give it one, or a sample value (SAMPLE_ARGUMENTS)`)
    return value
  })]))
  const config = loadConfig(rendered)
  t.equal(config.arnPrefix, SAMPLES.ArnPrefix)
  t.equal(config.awsRegion, 'eu-central-1')
  t.equal(config.port, 8080)
  t.ok(config.policy.teams.has('mint'), 'the policy passes inline (POLICY)')
  const pattern = new RegExp(PARAMS.get('ArnPrefix')?.AllowedPattern ?? '^$')
  t.match(SAMPLES.ArnPrefix as string, pattern)
  for (const bad of ['arn:aws:iam::123456789012:role/', 'arn:aws:iam::1234:role', 'robots']) {
    t.notMatch(bad, pattern, `ArnPrefix refuses ${bad}`)
    t.throws(() => loadConfig({ ...rendered, ARN_PREFIX: bad }), 'and so does the config')
  }
})

t.test('health check on /health over HTTP, through the load balancer', async (t) => {
  const lb = component('Senza::WeightedDnsElasticLoadBalancerV2')
  t.match(lb, { HTTPPort: 8080, HealthCheckPath: '/health', HealthCheckProtocol: 'HTTP' })
  t.equal(APP.ElasticLoadBalancerV2, 'AppLoadBalancer')
  t.equal(APP.HealthCheckType, 'ELB', 'an instance whose /health fails is replaced')
  t.match(APP.TaupageConfig, { health_check_path: '/health', health_check_port: 8080, runtime: 'Docker', ports: { 8080: 8080 } })
  t.ok(APP.AutoScaling.Minimum >= 2, 'two instances at least: one can fail or be replaced')
})

t.test('network: HTTPS 443 to the load balancer only, the app port from the load balancer only, no SSH', async (t) => {
  const res = DEF.Resources as Record<string, any>
  const rules = Object.entries(res).filter(([, r]) => r.Type === 'AWS::EC2::SecurityGroup')
    .flatMap(([name, r]) => (r.Properties.SecurityGroupIngress as Array<Record<string, any>>).map((rule): Record<string, any> => ({ group: name, ...rule })))
  t.ok(rules.length >= 2)
  for (const rule of rules) t.notOk(rule.FromPort <= 22 && rule.ToPort >= 22, `${rule.group}: no port 22`)
  const lbGroup = component('Senza::WeightedDnsElasticLoadBalancerV2').SecurityGroups[0]['Fn::GetAtt'][0]
  const appGroup = APP.SecurityGroups[0]['Fn::GetAtt'][0]
  t.same(rules.filter((r) => r.group === lbGroup).map((r) => [r.FromPort, r.ToPort]), [[443, 443]], 'the load balancer takes 443 only')
  const app = rules.filter((r) => r.group === appGroup)
  t.same(app.map((r) => [r.FromPort, r.ToPort]), [[8080, 8080]], 'instances take the app port only')
  t.same(app.map((r) => r.SourceSecurityGroupId), [{ 'Fn::GetAtt': [lbGroup, 'GroupId'] }], 'from the load balancer\'s group')
  t.notOk(app.some((r) => 'CidrIp' in r || 'CidrIpv6' in r), 'and from no address range')
  t.equal(APP.AssociatePublicIpAddress, false)
})

t.test('instances run as ro2key\'s own long-lived role, not as a vended role', async (t) => {
  t.same(APP.IamRoles, ['{{Arguments.InstanceRole}}'])
  const role = PARAMS.get('InstanceRole')
  t.equal(role?.Default, 'ro2key', 'the role deploy/iam/target-role-trust.json names')
  t.same(IAM('target-role-trust.json').Statement[0].Principal, { AWS: 'arn:aws:iam::123456789012:role/ro2key' })
  t.notMatch(`arn:aws:iam::123456789012:role/${role?.Default}`, new RegExp(`^${SAMPLES.ArnPrefix as string}/`), 'outside the sample ARN_PREFIX')
  t.match(role?.Description, /never a role under ArnPrefix/)
  t.notOk(Object.values(DEF.Resources as Record<string, any>).some((r) => r.Type === 'AWS::IAM::Role'),
    'not created per stack version: vended roles\' trust policies name it, so it must outlive versions')
  t.notMatch(TEXT, /TargetRole/, 'the original\'s "instances run as the vended role" is gone')
})
