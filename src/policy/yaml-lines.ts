import { isMap, LineCounter, parseDocument, type Node } from 'yaml'

/** The line of a policy path such as `accounts.prod` or `teams.mint.roles`; undefined when absent. */
export type LineOf = (path: string) => number | undefined

/** A LineOf over YAML or JSON text, so that boot errors name the line (issue 17). */
export function lineLocator (text: string): LineOf {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines })
  return (path) => {
    let node: unknown = doc.contents
    let offset: number | undefined
    for (const key of path.split('.')) {
      if (!isMap(node)) return offset === undefined ? undefined : lines.linePos(offset).line
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key)
      if (pair === undefined) break
      offset = (pair.key as Node).range?.[0]
      node = pair.value
    }
    return offset === undefined ? undefined : lines.linePos(offset).line
  }
}

/** `teams.mint.roles must …` -> `teams.mint.roles must … (line 4)` when the path is found. */
export function withLine (problem: string, lineOf: LineOf | undefined): string {
  const path = /^[^\s:]+/.exec(problem)?.[0]
  const line = path === undefined ? undefined : lineOf?.(path)
  return line === undefined ? problem : `${problem} (line ${line})`
}
