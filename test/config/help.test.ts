import { spawn } from 'node:child_process'
import t from 'tap'
import { renderHelp } from '../../src/config/help.js'
import { VARIABLE_LIST } from '../../src/config/variables.js'

/** Runs src/main.ts as the real process with no configuration at all. */
async function run (args: string[]): Promise<{ code: number | null, stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'ignore']
  })
  let stdout = ''
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { code, stdout }
}

t.test('--help prints every variable of the table with its default, exits 0 without configuration', async (t) => {
  const help = renderHelp()
  for (const spec of VARIABLE_LIST) t.match(help, new RegExp(`^  ${spec.name} +${spec.meaning.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'), spec.name)
  t.match(help, /PORT +Listen port\.\n +integer 0-65535; default: 8080/)
  t.match(help, /docs\/configuration\.md/)
  for (const flag of ['--help', '-h']) {
    const { code, stdout } = await run([flag])
    t.equal(code, 0, `${flag}: exit 0`)
    t.equal(stdout, help, `${flag}: the table`)
  }
})
