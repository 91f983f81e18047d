import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

/** openapi.yaml at the package root, from src/api or dist/api alike. */
export const SPEC_PATH = new URL('../../openapi.yaml', import.meta.url)

export type OpenApiDocument = Record<string, any>

/** The contract, parsed once at boot. */
export function loadSpec (): OpenApiDocument {
  return parse(readFileSync(SPEC_PATH, 'utf8')) as OpenApiDocument
}

/** The document as served: the OAuth2 token URL is AUTH_URL when it is set. */
export function servedSpec (spec: OpenApiDocument, authUrl: string | undefined): OpenApiDocument {
  const doc = structuredClone(spec)
  const flow = doc.components?.securitySchemes?.oauth2?.flows?.clientCredentials
  if (authUrl && flow) flow.tokenUrl = authUrl
  return doc
}
