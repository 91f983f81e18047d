// Lint with neostandard (standard style for TypeScript). `npm run lint`; `npm run lint -- --fix` fixes style.
import neostandard from 'neostandard'

export default neostandard({
  ts: true,
  ignores: ['dist/', 'coverage/', '.tap/', 'src/api/schema.d.ts'],
})
