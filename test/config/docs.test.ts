import { readFileSync } from 'node:fs'
import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config/index.js'
import { anchor } from '../../src/config/read.js'
import { VARIABLE_LIST } from '../../src/config/variables.js'
import { DOC_PATH, renderConfigDoc } from '../../scripts/config-docs.js'

const DOC = readFileSync(DOC_PATH, 'utf8')
const ANCHORS = new Set([...DOC.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1] as string)))

t.test('docs/configuration.md is generated from the table and up to date', async (t) => {
  t.equal(DOC, renderConfigDoc(), 'run `npm run docs:config` after changing src/config/variables.ts')
})

t.test('every variable has its own heading, so its anchor is stable', async (t) => {
  for (const spec of VARIABLE_LIST) t.ok(ANCHORS.has(anchor(spec.name)), `#${anchor(spec.name)}`)
})

t.test('every anchor a config problem links to exists', async (t) => {
  const cases = [{}, { INTROSPECTION_CLIENT_ID: 'x', JWKS_URL: 'https://idp/jwks', TRANSITIVE_TAGS: 'true', ROLE_TEAMS_TAG: 'aws:x' }]
  for (const env of cases) {
    const err = t.throws(() => loadConfig(env)) as ConfigError
    for (const p of err.problems) {
      const link = /#([\w-]+)\)$/.exec(p)?.[1] ?? ''
      t.ok(ANCHORS.has(link), `${p}: #${link} is a heading`)
    }
  }
})
