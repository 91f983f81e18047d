import { readFileSync } from 'node:fs'
import t from 'tap'
import { API_DOC, END, START, renderErrorTable, withErrorTable } from '../../scripts/error-docs.js'
import { ERRORS, problemType } from '../../src/errors.js'

const doc = readFileSync(API_DOC, 'utf8')

t.test('the error table in docs/api.md is not stale', async (t) => {
  t.equal(withErrorTable(doc), doc, 'run `npm run docs:errors` after changing src/errors.ts')
})

t.test('every registry code has one row with its status, title and type', async (t) => {
  const table = doc.slice(doc.indexOf(START), doc.indexOf(END))
  for (const [code, { status, title }] of Object.entries(ERRORS)) {
    const rows = table.split('\n').filter((line) => line.includes(`\`${code}\``))
    t.equal(rows.length, 1, `${code} has one row`)
    t.match(rows[0], `| ${status} | \`${code}\` | ${title} | \`${problemType(code as keyof typeof ERRORS)}\` |`)
  }
  t.equal(renderErrorTable().split('\n').length, Object.keys(ERRORS).length + 2, 'header, rule and one row per code')
})

t.test('the generator refuses a document without its markers', async (t) => {
  t.throws(() => withErrorTable('# API\n'), /markers/)
})
