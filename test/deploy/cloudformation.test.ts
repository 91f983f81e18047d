import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { parse } from 'yaml'
import { loadConfig } from '../../src/config/index.js'
import { configEnvNames, parameterFor, SAMPLE_ARGUMENTS } from '../helpers/config-env.js'
import { last, parseDockerfile, type Stage } from '../helpers/dockerfile.js'

// two cfn-lint runs: seconds on a quiet machine, minutes on one shared by many jobs.
t.setTimeout(300_000)

const ROOT = new URL('../../', import.meta.url).pathname
const TEMPLATE_PATH = join(ROOT, 'deploy/cloudformation.yaml')
const TEXT = readFileSync(TEMPLATE_PATH, 'utf8')
const CFN = parse(TEXT) as Record<string, any>
const RES = CFN.Resources as Record<string, { Type: string, Properties: Record<string, any> }>
const IAM = (name: string): Record<string, any> => JSON.parse(readFileSync(join(ROOT, 'deploy/iam', name), 'utf8'))
const byType = (type: string): Array<[string, Record<string, any>]> =>
  Object.entries(RES).filter(([, r]) => r.Type === type).map(([name, r]) => [name, r.Properties])
const one = (type: string): Record<string, any> => {
  const all = byType(type)
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`)
  return (all[0] as [string, Record<string, any>])[1]
}
const CONTAINER = one('AWS::ECS::TaskDefinition').ContainerDefinitions[0] as Record<string, any>

/** Runs cfn-lint, the machine image's CloudFormation linter. */
async function cfnLint (path: string): Promise<{ code: number, out: string }> {
  return await new Promise((resolve) => {
    execFile('cfn-lint', [path], (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0
      resolve({ code, out: stdout + stderr })
    })
  })
}

t.test('cfn-lint passes the template, and fails a broken one', async (t) => {
  if (spawnSync('cfn-lint', ['--version']).error) {
    t.fail('cfn-lint is not on PATH: scripts/check-prerequisites.sh says how to install it (docs/prerequisites.md)')
    return
  }
  const work = mkdtempSync(join(tmpdir(), 'ro2key-cfn-'))
  t.teardown(() => rmSync(work, { recursive: true, force: true }))
  const broken = join(work, 'broken.yaml')
  writeFileSync(broken, TEXT.replace('HealthCheckPath: /health', 'HealthCheckPat: /health'))
  const [good, bad] = await Promise.all([cfnLint(TEMPLATE_PATH), cfnLint(broken)])
  t.equal(good.code, 0, good.out)
  t.not(bad.code, 0, 'a misspelt property is an error')
  t.match(bad.out, /HealthCheckPat/)
})

t.test('network: HTTPS 443 to the load balancer only, 8080 from the load balancer only, no SSH', async (t) => {
  const groups = Object.fromEntries(byType('AWS::EC2::SecurityGroup'))
  const rules = Object.entries(groups).flatMap(([g, p]) => (p.SecurityGroupIngress as Array<Record<string, any>>).map((r): Record<string, any> => ({ g, ...r })))
  for (const r of rules) t.notOk(r.FromPort <= 22 && r.ToPort >= 22, `${r.g}: no port 22`)
  const lbGroup = one('AWS::ElasticLoadBalancingV2::LoadBalancer').SecurityGroups[0]['Fn::GetAtt'][0]
  const svcGroup = one('AWS::ECS::Service').NetworkConfiguration.AwsvpcConfiguration.SecurityGroups[0]['Fn::GetAtt'][0]
  t.same(rules.filter((r) => r.g === lbGroup).map((r) => [r.FromPort, r.ToPort]), [[443, 443]])
  t.same(rules.filter((r) => r.g === svcGroup).map((r) => [r.FromPort, r.ToPort, r.SourceSecurityGroupId, r.CidrIp]),
    [[8080, 8080, { 'Fn::GetAtt': [lbGroup, 'GroupId'] }, undefined]])
  const listeners = byType('AWS::ElasticLoadBalancingV2::Listener').map(([, p]) => [p.Protocol, p.Port])
  t.same(listeners, [['HTTPS', 443]], 'one listener, HTTPS')
  t.equal(one('AWS::ECS::Service').NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp, 'DISABLED')
})

t.test('health checks on /health: load balancer and container', async (t) => {
  t.match(one('AWS::ElasticLoadBalancingV2::TargetGroup'), { HealthCheckPath: '/health', HealthCheckProtocol: 'HTTP', Port: 8080, TargetType: 'ip' })
  const command = CONTAINER.HealthCheck.Command as string[]
  t.same(command.slice(0, 3), ['CMD', 'node', '-e'], 'no curl in the image: node probes')
  t.match(command[3], /\/health/)
  const runtime = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).stages.at(-1) as Stage
  const docker = last(runtime, 'HEALTHCHECK')
  t.match(docker?.args, /fetch\(/, 'the same probe as the Dockerfile\'s HEALTHCHECK')
})

t.test('the container: non-root, read-only root file system, port 8080', async (t) => {
  t.match(CONTAINER, { User: '1000:1000', ReadonlyRootFilesystem: true, PortMappings: [{ ContainerPort: 8080 }] })
  t.notMatch(CONTAINER.User, /^(0|root)\b/)
  const lb = one('AWS::ECS::Service').LoadBalancers[0]
  t.match(lb, { ContainerName: CONTAINER.Name, ContainerPort: 8080 })
})

t.test('the environment: only variables ro2key reads, from parameters named after them, a valid configuration', async (t) => {
  const read = configEnvNames()
  const env = CONTAINER.Environment as Array<{ Name: string, Value: { Ref: string } }>
  const params = CFN.Parameters as Record<string, { Default?: string | number, AllowedPattern?: string }>
  const rendered: Record<string, string> = {}
  for (const { Name, Value } of env) {
    t.ok(read.includes(Name), `${Name} is read by ro2key`)
    if (Value.Ref.startsWith('AWS::')) {
      t.equal(Value.Ref, 'AWS::Region', `${Name} <- the stack's region`)
      rendered[Name] = 'eu-central-1'
    } else {
      t.equal(Value.Ref, parameterFor(Name), `${Name} <- parameter ${parameterFor(Name)}`)
      rendered[Name] = String(params[Value.Ref]?.Default ?? SAMPLE_ARGUMENTS[Value.Ref])
    }
  }
  const config = loadConfig(rendered)
  t.equal(config.awsRegion, 'eu-central-1')
  t.ok(config.policy.teams.has('mint'))
  t.match(SAMPLE_ARGUMENTS.ArnPrefix as string, new RegExp(params.ArnPrefix?.AllowedPattern ?? '^$'))
})

t.test('ro2key\'s task role: trusted by ECS tasks, allowed what deploy/iam allows, named as vended roles expect', async (t) => {
  const role = RES.TaskRole?.Properties as Record<string, any>
  t.match(role.AssumeRolePolicyDocument.Statement, [{ Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }])
  t.same(role.AssumeRolePolicyDocument.Statement[0].Principal, IAM('ro2key-trust-ecs-tasks.json').Statement[0].Principal)
  t.same(role.RoleName, { Ref: 'TaskRoleName' })
  t.equal(CFN.Parameters.TaskRoleName.Default, 'ro2key')
  t.same(IAM('target-role-trust.json').Statement[0].Principal, { AWS: 'arn:aws:iam::123456789012:role/ro2key' }, 'the name the sample trust policy expects')
  type S = { Action: string | string[], Resource: unknown }
  const actions = (list: S[], pick: (r: unknown) => boolean): string[] => list.filter((s) => pick(s.Resource)).flatMap((s) => [s.Action].flat()).sort()
  const statements = role.Policies.flatMap((p: any) => p.PolicyDocument.Statement) as S[]
  const sample = [...IAM('ro2key-permissions.json').Statement, ...IAM('ro2key-permissions-options.json').Statement] as S[]
  t.same(actions(statements, (r) => JSON.stringify(r) === JSON.stringify({ 'Fn::Sub': '${ArnPrefix}/*' })),
    actions(sample, (r) => String(r).endsWith(':role/robots/*')), 'on ARN_PREFIX/*: the sample\'s actions')
  t.same(actions(statements, (r) => r === '*'), actions(sample, (r) => r === '*'), 'account-wide: the sample\'s read')
  t.same(actions(statements, (r) => JSON.stringify(r) === JSON.stringify({ 'Fn::GetAtt': ['StoreTable', 'Arn'] })),
    ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'], 'grants: the table, nothing more')
  t.same(actions(statements, (r) => Array.isArray(r)), ['iam:AddUserToGroup', 'iam:GetGroup', 'iam:RemoveUserFromGroup'])
  t.equal(statements.length, 4, 'nothing more')
  t.same(CFN.Outputs.TaskRoleArn.Value, { 'Fn::GetAtt': ['TaskRole', 'Arn'] }, 'its ARN is an output, for the vended roles\' trust policies')
})

t.test('the grants table: on demand, TTL on ttl, point-in-time recovery, kept on deletion', async (t) => {
  const table = RES.StoreTable as unknown as Record<string, any>
  t.equal(table.Type, 'AWS::DynamoDB::Table')
  t.equal(table.DeletionPolicy, 'Retain')
  t.match(table.Properties, {
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }
  })
})

t.test('it scales on CPU, and deploys without dropping below the desired count', async (t) => {
  t.match(one('AWS::ApplicationAutoScaling::ScalableTarget'), { ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: { Ref: 'DesiredCount' }, MaxCapacity: { Ref: 'MaxCount' } })
  t.match(one('AWS::ApplicationAutoScaling::ScalingPolicy'), { PolicyType: 'TargetTrackingScaling' })
  t.match(one('AWS::ECS::Service').DeploymentConfiguration, { MinimumHealthyPercent: 100, DeploymentCircuitBreaker: { Enable: true, Rollback: true } })
  t.ok(Number(CFN.Parameters.DesiredCount.Default) >= 2)
})
