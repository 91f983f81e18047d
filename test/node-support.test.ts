import { readFileSync } from 'node:fs'
import t from 'tap'
import { nodeSupportNotice, RECOMMENDED_NODE_MAJOR } from '../src/node-support.js'

const ROOT = new URL('../', import.meta.url).pathname
const SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'

t.test('on Node 20: the SDK\'s stderr warning is switched off and one ro2key line says why', async (t) => {
  const env: NodeJS.ProcessEnv = {}
  t.match(nodeSupportNotice('v20.20.2', env), /Node\.js v20\.20\.2 runs ro2key.*use Node\.js 22 LTS or newer/)
  t.equal(env[SWITCH], 'true')
  const chosen: NodeJS.ProcessEnv = { [SWITCH]: 'false' }
  nodeSupportNotice('v20.20.2', chosen)
  t.equal(chosen[SWITCH], 'false', 'an operator\'s own choice is kept')
})

t.test('on Node 22 or newer: nothing to say, nothing switched off', async (t) => {
  for (const version of ['v22.12.0', 'v24.1.0']) {
    const env: NodeJS.ProcessEnv = {}
    t.equal(nodeSupportNotice(version, env), undefined, version)
    t.same(env, {}, version)
  }
})

t.test('README, .nvmrc and package.json agree: Node 22 LTS recommended, Node 20 still runs', async (t) => {
  t.equal(readFileSync(`${ROOT}.nvmrc`, 'utf8').trim(), String(RECOMMENDED_NODE_MAJOR))
  t.match(readFileSync(`${ROOT}README.md`, 'utf8'), /Node\.js 22 LTS/)
  const engines = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).engines
  t.equal(engines.node, '>=20', 'engines keeps Node 20 installable (npm warns on a mismatch, never refuses)')
})
