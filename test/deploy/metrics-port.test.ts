import { readFileSync } from 'node:fs'
import t from 'tap'
import { parseAllDocuments } from 'yaml'

// Issue 20, item 5: /metrics names roles and teams; every deploy sample serves it on METRICS_PORT,
// a port apart from the API's, so the load balancer never exposes it.
const text = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

t.test('Kubernetes: METRICS_PORT set, and the Service does not expose it', async (t) => {
  const deployment = parseAllDocuments(text('deploy/kubernetes/deployment.yaml'))[0]?.toJS()
  const container = deployment.spec.template.spec.containers[0]
  const port = container.env.find((e: { name: string }) => e.name === 'METRICS_PORT')?.value
  t.equal(port, '9090')
  t.notMatch(text('deploy/kubernetes/service.yaml'), /9090|metrics/)
})

t.test('CloudFormation and Senza: METRICS_PORT 9090 by default', async (t) => {
  t.match(text('deploy/cloudformation.yaml'), /MetricsPort:\n\s+Type: String\n\s+Default: "9090"/)
  t.match(text('deploy/cloudformation.yaml'), /- Name: METRICS_PORT\n\s+Value:\n\s+Ref: MetricsPort/)
  t.match(text('ro2key.yaml'), /- MetricsPort:\n.*\n\s+Default: "9090"/)
  t.match(text('ro2key.yaml'), /METRICS_PORT: "\{\{Arguments.MetricsPort\}\}"/)
})
