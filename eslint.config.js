// Lint with neostandard (standard style for TypeScript). `npm run lint`; `npm run lint -- --fix` fixes style.
import neostandard from 'neostandard'

export default [
  ...neostandard({
    ts: true,
    ignores: ['dist/', 'coverage/', '.tap/', '.bench-build/', 'src/api/schema.d.ts'],
  }),
  // `void promise` as a statement marks a promise left to run on purpose (fire and forget);
  // everywhere else void stays an error.
  { rules: { 'no-void': ['error', { allowAsStatement: true }] } },
  {
    // Tests quote shell and CloudFormation strings that contain ${...} on purpose.
    files: ['test/**/*.ts'],
    rules: { 'no-template-curly-in-string': 'off' },
  },
]
