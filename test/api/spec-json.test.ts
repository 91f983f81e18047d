import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { parse } from 'yaml'
import { SPEC_PATH, loadSpec, writeSpecJson } from '../../src/api/spec.js'

// issue 19: boot reads the build's JSON instead of parsing openapi.yaml, but only a JSON as new as the YAML
const dir = mkdtempSync(join(tmpdir(), 'ro2key-spec-'))
const yamlPath = join(dir, 'openapi.yaml')
const jsonPath = join(dir, 'openapi.json')
writeFileSync(yamlPath, readFileSync(SPEC_PATH))
const fromYaml = parse(readFileSync(SPEC_PATH, 'utf8'))

t.test('the built JSON is the YAML document', async (t) => {
  writeSpecJson(yamlPath, jsonPath)
  t.same(JSON.parse(readFileSync(jsonPath, 'utf8')), fromYaml)
  t.same(loadSpec(yamlPath, jsonPath), fromYaml)
})

t.test('a JSON older than openapi.yaml is ignored: the YAML is read', async (t) => {
  writeFileSync(jsonPath, JSON.stringify({ openapi: '3.0.3', info: { title: 'stale' } }))
  utimesSync(jsonPath, new Date(1000), new Date(1000))
  t.same(loadSpec(yamlPath, jsonPath), fromYaml)
})

t.test('a newer JSON is used; a broken or missing one falls back to the YAML', async (t) => {
  writeFileSync(jsonPath, JSON.stringify({ openapi: '3.0.3', info: { title: 'built' } }))
  t.equal(loadSpec(yamlPath, jsonPath).info.title, 'built')
  writeFileSync(jsonPath, '{ not json')
  t.same(loadSpec(yamlPath, jsonPath), fromYaml)
  t.same(loadSpec(yamlPath, join(dir, 'missing.json')), fromYaml)
})
