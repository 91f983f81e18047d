import type { Config } from '../../config/index.js'
import type { Services } from '../../services.js'
import { createGetRoles } from '../../routes/roles.js'
import { rolesSection } from './roles-section.js'
import type { PageSection } from './sections.js'

/**
 * The sections of the signed-in home page, in order. A feature adds its page by adding one
 * entry here (a PageSection in its own file) and its forms' POST routes next to web/me-routes.ts.
 */
export function homeSections (config: Config, services: Services): PageSection[] {
  const getRoles = createGetRoles(config, services.roleTags)
  return [
    rolesSection(async ({ request, reply }) => await getRoles(request, reply))
  ]
}
