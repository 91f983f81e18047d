/** One Dockerfile instruction: keyword, --flags, the rest, and the JSON (exec) form if it is one. */
export interface Instruction {
  keyword: string
  flags: Record<string, string>
  args: string
  exec?: string[]
}

export interface Stage {
  name: string
  from: string
  instructions: Instruction[]
}

export interface Dockerfile {
  /** ARG defaults declared before the first FROM */
  globalArgs: Record<string, string>
  stages: Stage[]
}

const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL/i
const SECRET_VALUE = /\b(AKIA|ASIA)[A-Z0-9]{16}\b|-----BEGIN [A-Z ]*PRIVATE KEY/

/** Joins continuation lines and drops comments and blank lines. */
function logicalLines (text: string): string[] {
  const lines: string[] = []
  let current = ''
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '')
    if (current === '' && /^\s*(#|$)/.test(line)) continue
    if (current !== '' && /^\s*#/.test(line)) continue
    if (/\\\s*$/.test(line)) {
      current += line.replace(/\\\s*$/, ' ')
      continue
    }
    lines.push((current + line).trim())
    current = ''
  }
  if (current.trim() !== '') lines.push(current.trim())
  return lines
}

function parseInstruction (line: string): Instruction {
  const match = /^(\S+)\s*(.*)$/.exec(line) as RegExpExecArray
  const keyword = (match[1] as string).toUpperCase()
  let rest = match[2] as string
  const flags: Record<string, string> = {}
  let flag: RegExpExecArray | null
  while ((flag = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest)) !== null) {
    flags[flag[1] as string] = flag[2] ?? 'true'
    rest = rest.slice(flag[0].length)
  }
  const instruction: Instruction = { keyword, flags, args: rest }
  if (rest.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(rest)
      if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string')) instruction.exec = parsed
    } catch {}
  }
  return instruction
}

/** Parses the instructions of a Dockerfile, grouped by stage. */
export function parseDockerfile (text: string): Dockerfile {
  const globalArgs: Record<string, string> = {}
  const stages: Stage[] = []
  for (const line of logicalLines(text)) {
    const ins = parseInstruction(line)
    if (ins.keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args)
      const from = (m?.[1] ?? ins.args).replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => globalArgs[a ?? b] ?? '')
      stages.push({ name: m?.[2] ?? String(stages.length), from, instructions: [] })
    } else if (stages.length === 0) {
      if (ins.keyword === 'ARG') {
        const [name, value = ''] = ins.args.split('=')
        globalArgs[name as string] = value
      }
    } else {
      stages[stages.length - 1]?.instructions.push(ins)
    }
  }
  return { globalArgs, stages }
}

/** KEY=VALUE pairs (or the legacy `KEY value`) of an ENV or ARG instruction. */
export function assignments (ins: Instruction): Array<[string, string]> {
  if (ins.keyword === 'ENV' && !ins.args.includes('=')) {
    const [name, ...value] = ins.args.split(/\s+/)
    return [[name as string, value.join(' ')]]
  }
  return [...ins.args.matchAll(/([\w.-]+)(?:=("[^"]*"|'[^']*'|\S*))?/g)]
    .map((m) => [m[1] as string, (m[2] ?? '').replace(/^["']|["']$/g, '')])
}

/** The last instruction of a kind in a stage. */
export function last (stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1)
}

/** Problems with a Dockerfile's basics; empty when it is fine. */
export function lintDockerfile (df: Dockerfile): string[] {
  const problems: string[] = []
  const runtime = df.stages.at(-1)
  if (!runtime) return ['no FROM']
  if (df.stages.length < 2) problems.push('not multi-stage: build with dev dependencies in a stage of its own')
  for (const stage of df.stages) {
    if (!/^node:[\w.-]+$/.test(stage.from) || /:latest$/.test(stage.from)) {
      problems.push(`stage ${stage.name}: base image "${stage.from}" is not an official node image with a version tag`)
    }
  }
  const user = last(runtime, 'USER')
  if (!user) problems.push('no USER in the runtime stage: the app would run as root')
  else if (/^(root|0)(:|$)/.test(user.args)) problems.push(`USER ${user.args} is root`)
  const cmd = last(runtime, 'CMD')
  if (!cmd) problems.push('no CMD in the runtime stage')
  else if (!cmd.exec) problems.push('CMD is in shell form: node would not be PID 1 and would miss SIGTERM')
  const health = last(runtime, 'HEALTHCHECK')
  if (!health) problems.push('no HEALTHCHECK in the runtime stage')
  else if (/\b(curl|wget)\b/.test(health.args)) problems.push('HEALTHCHECK needs curl or wget, which the image does not have')
  if (!runtime.instructions.some((i) => i.keyword === 'EXPOSE' && /\b8080\b/.test(i.args))) problems.push('no EXPOSE 8080')
  const env = runtime.instructions.filter((i) => i.keyword === 'ENV').flatMap(assignments)
  if (!env.some(([k, v]) => k === 'NODE_ENV' && v === 'production')) problems.push('NODE_ENV=production is not set in the runtime stage')
  const settings: Array<[string, string, string]> = Object.entries(df.globalArgs).map(([k, v]) => ['ARG', k, v])
  for (const stage of df.stages) {
    for (const ins of stage.instructions.filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')) {
      settings.push(...assignments(ins).map(([k, v]): [string, string, string] => [ins.keyword, k, v]))
    }
  }
  for (const [keyword, name, value] of settings) {
    if (SECRET_NAME.test(name)) problems.push(`${keyword} ${name}: secrets must not be baked into the image or its build args`)
    if (SECRET_VALUE.test(value)) problems.push(`${keyword} ${name}: value looks like a key`)
  }
  for (const stage of df.stages) {
    for (const ins of stage.instructions.filter((i) => i.keyword === 'RUN' && /\bnpm (ci|install)\b/.test(i.args))) {
      if (stage === runtime && !/--omit=dev\b/.test(ins.args)) problems.push('the runtime stage installs dev dependencies (npm ci without --omit=dev)')
    }
  }
  return problems
}
