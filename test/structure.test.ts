// The shape of src/ (issue 13): no import cycle, small files, short lines, nothing from test/.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SRC = join(ROOT, 'src')
const MAX_FILE_LINES = 150
const MAX_LINE_CHARS = 120
/** Generated files are exempt from the size rules (they are checked for staleness elsewhere). */
const GENERATED = new Set(['src/api/schema.d.ts'])
const GENERATED_MARK = /auto-generated|@generated|do not edit/i

function walk (dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}

const rel = (path: string): string => relative(ROOT, path).split('\\').join('/')
const files = walk(SRC).filter((f) => f.endsWith('.ts'))
const text = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]))
const isGenerated = (f: string): boolean => GENERATED.has(rel(f)) || GENERATED_MARK.test(text.get(f)!.slice(0, 300))

/** Relative specifiers of static imports/exports (type-only included), side-effect and dynamic imports. */
function specifiers (source: string): string[] {
  const found: string[] = []
  const patterns = [
    /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ]
  for (const re of patterns) {
    for (const m of source.matchAll(re)) found.push(m[1]!)
  }
  return found.filter((s) => s.startsWith('.'))
}

/** The file a relative specifier names: `./x.js` -> `./x.ts`, `./dir` -> `./dir/index.ts`. */
function resolveImport (from: string, spec: string): string {
  const base = resolve(dirname(from), spec)
  const candidates = [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.d.ts'), base, base + '.ts', join(base, 'index.ts')]
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? base
}

const graph = new Map(files.map((f) => [f, specifiers(text.get(f)!).map((s) => resolveImport(f, s))]))

t.test('no import cycle in src/', async (t) => {
  const state = new Map<string, 'open' | 'done'>()
  const cycles: string[] = []
  const stack: string[] = []
  const visit = (file: string): void => {
    state.set(file, 'open')
    stack.push(file)
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue
      if (state.get(next) === 'open') {
        cycles.push([...stack.slice(stack.indexOf(next)), next].map(rel).join(' -> '))
      } else if (state.get(next) === undefined) {
        visit(next)
      }
    }
    stack.pop()
    state.set(file, 'done')
  }
  for (const f of files) if (state.get(f) === undefined) visit(f)
  t.same(cycles, [], 'import cycles (type-only imports count too)')
})

t.test(`no src/ file over ${MAX_FILE_LINES} lines, except generated ones`, async (t) => {
  const long = files
    .filter((f) => !isGenerated(f))
    .map((f) => ({ file: rel(f), lines: text.get(f)!.replace(/\n$/, '').split('\n').length }))
    .filter(({ lines }) => lines > MAX_FILE_LINES)
  t.same(long, [], 'split these by concern')
})

t.test(`no line in src/ over ${MAX_LINE_CHARS} characters`, async (t) => {
  const long = files.filter((f) => !isGenerated(f)).flatMap((f) =>
    text.get(f)!.split('\n').flatMap((line, i) => line.length > MAX_LINE_CHARS ? [`${rel(f)}:${i + 1} (${line.length})`] : []))
  t.same(long, [])
})

t.test('no src/ module imports from test/ (shared peers live in dev/)', async (t) => {
  const bad = [...graph].flatMap(([from, targets]) =>
    targets.filter((to) => !rel(to).startsWith('src/')).map((to) => `${rel(from)} -> ${rel(to)}`))
  t.same(bad, [])
})

t.test('the import parser sees what it must', async (t) => {
  t.same(specifiers([
    "import type { A } from './a.js'",
    "import {\n  b,\n  c\n} from '../b.js'",
    "export * from './c.js'",
    "import './d.js'",
    "const e = await import('./e.js')",
    "import t from 'tap'",
  ].join('\n')).sort(), ['../b.js', './a.js', './c.js', './d.js', './e.js'])
  t.ok(graph.size > 10, 'src/ was read')
})
