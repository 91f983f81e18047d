// Every relative link in README.md, SECURITY.md and docs/*.md names a file that exists, and a
// heading that exists when it has an #anchor (GitHub's slugs); every docs page is linked from the README.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const DOCS = join(ROOT, 'docs')
const pages = [
  join(ROOT, 'README.md'),
  join(ROOT, 'SECURITY.md'),
  ...(existsSync(DOCS) ? readdirSync(DOCS).filter((f) => f.endsWith('.md')).map((f) => join(DOCS, f)) : []),
]

/** The text outside fenced code blocks and inline code spans. */
function prose (markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '')
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens, -1, -2 … for repeats. */
function anchors (markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  const withoutCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
  for (const [, heading] of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = heading!.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    const slug = text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')
    const n = seen.get(slug) ?? 0
    seen.set(slug, n + 1)
    out.add(n === 0 ? slug : `${slug}-${n}`)
  }
  return out
}

/** Relative link targets of inline links and images, without titles. */
function links (markdown: string): string[] {
  return [...prose(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
}

function isFile (path: string): boolean {
  return existsSync(path) && statSync(path).isFile()
}

t.test('every relative link resolves, anchors included', async (t) => {
  const broken: string[] = []
  let checked = 0
  for (const page of pages) {
    if (!isFile(page)) continue
    const text = readFileSync(page, 'utf8')
    for (const target of links(text)) {
      checked++
      const [pathPart = '', anchor] = target.split('#', 2)
      const file = pathPart === '' ? page : resolve(dirname(page), decodeURIComponent(pathPart))
      const where = `${relative(ROOT, page)}: ${target}`
      if (!existsSync(file)) {
        broken.push(`${where} (no such file)`)
      } else if (anchor !== undefined && anchor !== '' && file.endsWith('.md') && isFile(file)) {
        if (!anchors(readFileSync(file, 'utf8')).has(anchor)) broken.push(`${where} (no such heading)`)
      }
    }
  }
  t.same(broken, [])
  t.ok(checked > 20, `${checked} links checked`)
})

t.test('every docs page is linked from the README', async (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const linked = new Set(links(readme).map((target) => resolve(ROOT, target.split('#')[0]!)))
  for (const page of pages) t.ok(linked.has(page) || page.endsWith('README.md'), `README links ${relative(ROOT, page)}`)
  t.ok(pages.length >= 11, 'README, SECURITY and the docs pages')
})

t.test('the checker itself', async (t) => {
  const sample = [
    '# ro2key', '## Shell users: `?format=env`', '## Scaling, and what caches mean', '## Errors', '## Errors',
    '```sh', '# not a heading', '[not a link](nowhere.md)', '```',
    'See [a](docs/a.md#x), `[b](b.md)`, ![img](i.png "t"), [web](https://example.org), [mail](mailto:x@y), [here](#errors-1).',
  ].join('\n')
  t.same([...anchors(sample)], ['ro2key', 'shell-users-formatenv', 'scaling-and-what-caches-mean', 'errors', 'errors-1'])
  t.same(links(sample), ['docs/a.md#x', 'i.png', '#errors-1'])
})
