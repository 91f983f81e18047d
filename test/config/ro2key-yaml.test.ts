import { readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'
import { VARIABLE_LIST } from '../../src/config/variables.js'
import type { Spec } from '../../src/config/read.js'
import { parameterFor } from '../helpers/config-env.js'

const DEF = parse(readFileSync(new URL('../../ro2key.yaml', import.meta.url), 'utf8')) as Record<string, any>
type Parameter = { Description: string, Default?: string }
const PARAMS = new Map<string, Parameter>(
  (DEF.SenzaInfo.Parameters as Array<Record<string, Parameter>>).map((p) => Object.entries(p)[0] as [string, Parameter])
)

/** The Default a parameter must have: the table's fixed default, "false" for a flag, else empty (= unset). */
function expectedDefault (spec: Spec): string {
  if (spec.type === 'bool') return 'false'
  return 'default' in spec && spec.default !== undefined ? String(spec.default) : ''
}

t.test('ro2key.yaml: each parameter of a variable says which, and defaults to the table\'s default', async (t) => {
  const required = new Set(['ARN_PREFIX', 'POLICY'])
  // production defaults that differ from ro2key's own on purpose (issue 20: /metrics off the API port)
  const deployDefaults: Record<string, string> = { METRICS_PORT: '9090' }
  for (const spec of VARIABLE_LIST) {
    const param = PARAMS.get(parameterFor(spec.name))
    if (param === undefined) continue // fixed in the environment (HOST, PORT, the region); senza.test.ts checks that
    t.match(param.Description, new RegExp(`^${spec.name}: `), `${spec.name}: description names the variable`)
    if (required.has(spec.name)) t.equal(param.Default, undefined, `${spec.name}: the operator must give it`)
    else t.equal(String(param.Default), deployDefaults[spec.name] ?? expectedDefault(spec), `${spec.name}: default`)
  }
})
