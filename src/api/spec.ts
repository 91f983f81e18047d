import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { parse } from 'yaml'

/** openapi.yaml at the package root, from src/api or dist/api alike. */
export const SPEC_PATH = new URL('../../openapi.yaml', import.meta.url)
/**
 * dist/openapi.json: the contract parsed at build time (`npm run build`), so that boot skips ~110 ms of
 * YAML parsing (issue 19). Beside src/ it never exists, and the YAML is read.
 */
export const SPEC_JSON_PATH = new URL('../openapi.json', import.meta.url)

export type OpenApiDocument = Record<string, any>

/** The contract, parsed once at boot: the build's JSON when it is newer than openapi.yaml, else the YAML. */
export function loadSpec (
  yamlPath: URL | string = SPEC_PATH, jsonPath: URL | string = SPEC_JSON_PATH
): OpenApiDocument {
  return builtSpec(yamlPath, jsonPath) ?? parse(readFileSync(yamlPath, 'utf8')) as OpenApiDocument
}

function builtSpec (yamlPath: URL | string, jsonPath: URL | string): OpenApiDocument | undefined {
  try {
    if (statSync(jsonPath).mtimeMs < statSync(yamlPath).mtimeMs) return undefined
    return JSON.parse(readFileSync(jsonPath, 'utf8')) as OpenApiDocument
  } catch {
    return undefined
  }
}

/** Writes the parsed openapi.yaml as JSON (api/write-spec-json.ts, run by `npm run build`). */
export function writeSpecJson (yamlPath: URL | string = SPEC_PATH, jsonPath: URL | string = SPEC_JSON_PATH): void {
  writeFileSync(jsonPath, JSON.stringify(parse(readFileSync(yamlPath, 'utf8'))))
}

/** The document as served: the OAuth2 token URL is AUTH_URL when it is set. */
export function servedSpec (spec: OpenApiDocument, authUrl: string | undefined): OpenApiDocument {
  const doc = structuredClone(spec)
  const flow = doc.components?.securitySchemes?.oauth2?.flows?.clientCredentials
  if (authUrl && flow) flow.tokenUrl = authUrl
  return doc
}
