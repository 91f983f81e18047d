import type { Named, Spec } from './read.js'
import { FEATURES } from './sections.js'
import { VARIABLE_LIST } from './variables.js'

/** What a variable accepts, in words. */
export function describeType (spec: Spec): string {
  switch (spec.type) {
    case 'int': return `integer ${spec.min}-${spec.max}`
    case 'url': return 'http(s) URL'
    case 'bool': return 'true or false'
    case 'enum': return `one of ${spec.values.join(', ')}`
    case 'list': return spec.format ?? 'words, space or comma separated'
    case 'string': return spec.format ?? 'text'
  }
}

/** The value ro2key uses when the variable is unset. */
export function describeDefault (spec: Spec): string {
  if (spec.defaultText !== undefined) return spec.defaultText
  if (spec.type === 'bool') return 'false'
  return 'default' in spec && spec.default !== undefined ? String(spec.default) : 'unset'
}

/** The table grouped by section, in the table's order of sections. */
export function bySection (): Array<{ title: string, intro: string, variables: Array<Named<Spec>> }> {
  return Object.entries(FEATURES).map(([feature, section]) => ({
    ...section,
    variables: VARIABLE_LIST.filter((spec) => spec.feature === feature)
  }))
}
