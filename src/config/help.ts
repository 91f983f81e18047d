import { describeDefault, describeType, bySection } from './describe.js'
import { CONFIG_DOC } from './read.js'

/** `ro2key --help`: every variable from the table, by section. */
export function renderHelp (): string {
  const lines = [
    'ro2key: hands temporary AWS credentials to robots that present an OAuth2 token.',
    '',
    'Usage: node dist/main.js [--help]',
    `Configured by environment variables only (details: ${CONFIG_DOC}). Exit status 2: invalid configuration.`
  ]
  for (const section of bySection()) {
    lines.push('', `${section.title}:`)
    for (const spec of section.variables) {
      lines.push(`  ${spec.name.padEnd(30)} ${spec.meaning}`)
      lines.push(`  ${''.padEnd(30)} ${describeType(spec)}; default: ${describeDefault(spec)}`)
    }
  }
  return lines.join('\n') + '\n'
}
