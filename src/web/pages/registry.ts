import type { Config } from '../../config/index.js'
import type { Services } from '../../services.js'
import { createGetRoles } from '../../routes/roles.js'
import { rolesSection } from './roles-section.js'
import { grantsSection } from './grants-section.js'
import { withStepUps } from './step-up.js'
import { keysSection } from './keys-section.js'
import type { PageSection } from './sections.js'

/**
 * The sections of the signed-in home page, in order. A feature adds its page by adding one
 * entry here (a PageSection in its own file) and its forms' POST routes next to web/me-routes.ts.
 */
export function homeSections (config: Config, services: Services): PageSection[] {
  const getRoles = withStepUps(createGetRoles(config, services.roleTags), config, services.now)
  return [
    rolesSection(async ({ request, reply }) => await getRoles(request, reply)),
    grantsSection(config, services.now),
    keysSection(config, services)
  ]
}
