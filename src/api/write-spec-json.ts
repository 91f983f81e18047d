// `npm run build` runs this after tsc: dist/openapi.json, the contract parsed once at build time (api/spec.ts).
import { writeSpecJson } from './spec.js'

writeSpecJson()
