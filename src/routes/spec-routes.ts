// The Fastify routes of openapi.yaml as fastify-openapi-glue's OpenAPI 3 parser made them, for this spec,
// without glue's start-up validation of the document against the OpenAPI meta-schema: ajv compiling
// that meta-schema took ~40 % of ro2key's start-up and ~20 MB of RSS (issue 19). The document is
// validated by test/api/spec-valid.test.ts instead.
export type Json = Record<string, unknown>
type Parameter = Json & { name: string, in: string, schema?: Json, description?: string, required?: boolean }
/** security requirements: alternatives, each a map of scheme name to scopes */
export type Security = Array<Record<string, string[]>>

export interface SpecRoute {
  method: string
  url: string
  operationId: string
  schema: Json
  config: Json | undefined
  security: Security | undefined
}

const METHODS = new Set(['delete', 'get', 'head', 'patch', 'post', 'put', 'options'])
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null

/** A copy of the document with every local `$ref` replaced by what it points at (siblings dropped). */
export function dereference<T> (document: T): T {
  const root = structuredClone(document) as unknown
  const resolving = new Set<string>()
  const target = (ref: string): unknown => {
    if (!ref.startsWith('#/') || resolving.has(ref)) throw new Error(`openapi.yaml: cannot resolve $ref ${ref}`)
    const path = ref.slice(2).split('/').map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'))
    const found = path.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), root)
    if (found === undefined) throw new Error(`openapi.yaml: cannot resolve $ref ${ref}`)
    resolving.add(ref)
    const resolved = walk(found)
    resolving.delete(ref)
    return resolved
  }
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk)
    if (!isObject(node)) return node
    if (typeof node.$ref === 'string') return target(node.$ref)
    for (const [key, value] of Object.entries(node)) node[key] = walk(value)
    return node
  }
  return walk(root) as T
}

function paramsSchema (list: Parameter[]): Json {
  const properties: Json = {}
  const required: string[] = []
  for (const { name, schema, description, required: isRequired } of list) {
    properties[name] = { ...schema, ...(description ? { description } : {}) }
    if (isRequired === true) required.push(name)
  }
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) }
}

function addParameters (schema: Json, parameters: Parameter[]): void {
  const where = { params: 'path', querystring: 'query', headers: 'header' }
  for (const [key, location] of Object.entries(where)) {
    const list = parameters.filter((p) => p.in === location)
    if (list.length > 0) schema[key] = paramsSchema(list)
  }
}

function contentSchemas (content: unknown): Json | undefined {
  if (!isObject(content) || Object.keys(content).length === 0) return undefined
  const out: Json = {}
  for (const [type, media] of Object.entries(content)) {
    if (isObject(media) && media.schema !== undefined) out[type] = { schema: structuredClone(media.schema) }
  }
  return { content: out }
}

function operationSchema (common: Parameter[], operation: Json): Json {
  const { tags, summary, description, operationId, parameters, requestBody, responses, ...rest } = operation
  const schema: Json = { ...(tags ? { tags } : {}), ...(summary ? { summary } : {}) }
  if (description) schema.description = description
  if (operationId) schema.operationId = operationId
  for (const [key, value] of Object.entries(rest)) if (key.startsWith('x-')) schema[key] = value
  addParameters(schema, [...common, ...(parameters as Parameter[] | undefined ?? [])])
  const body = isObject(requestBody) ? contentSchemas(requestBody.content) : undefined
  if (body) schema.body = body
  const response: Json = {}
  for (const [status, answer] of Object.entries(isObject(responses) ? responses : {})) {
    const content = isObject(answer) ? contentSchemas(answer.content) : undefined
    if (content) response[status] = content
  }
  if (Object.keys(response).length > 0) schema.response = response
  return schema
}

/** The routes of a dereferenced OpenAPI 3 document: `{name}` path parameters become `:name`. */
export function specRoutes (spec: Json): SpecRoute[] {
  const routes: SpecRoute[] = []
  for (const [path, item] of Object.entries(isObject(spec.paths) ? spec.paths : {})) {
    if (!isObject(item)) continue
    const { parameters, ...operations } = item
    for (const [method, operation] of Object.entries(operations)) {
      if (!METHODS.has(method) || !isObject(operation)) continue
      routes.push({
        method: method.toUpperCase(),
        url: path.replace(/{(\w+)}/g, ':$1'),
        operationId: String(operation.operationId),
        schema: operationSchema(parameters as Parameter[] | undefined ?? [], operation),
        config: operation['x-fastify-config'] as Json | undefined,
        security: (operation.security ?? spec.security) as Security | undefined
      })
    }
  }
  return routes
}
