// Pier's layering (docs/ARCHITECTURE.md "Layers", /work STYLE §1), checked by
// dependency-cruiser at the start of the unit suite (scripts/test.sh). A violation fails
// the run and names the rule, the importing file and the imported one.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'app-only-protocol',
      comment: 'app/ talks to server/ only over the wire: it imports app/ itself, protocol/ and packages, nothing else of pier.',
      severity: 'error',
      from: { path: '^app/' },
      to: { path: '^(server|sandbox|cli|test|e2e|lessons|scripts)/' },
    },
    {
      name: 'server-sandbox-via-index',
      comment: 'server/ reaches the sandbox runtime only through sandbox/index.ts (the SandboxDriver contract).',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: '^sandbox/', pathNot: '^sandbox/index\\.ts$' },
    },
    {
      name: 'cli-sandbox-via-index',
      comment: 'cli/ reaches the sandbox runtime only through sandbox/index.ts.',
      severity: 'error',
      from: { path: '^cli/' },
      to: { path: '^sandbox/', pathNot: '^sandbox/index\\.ts$' },
    },
    {
      name: 'sandbox-stands-alone',
      comment: 'sandbox/ knows nothing of HTTP, users, sessions or the CLI: it imports none of server/, app/, cli/, protocol/.',
      severity: 'error',
      from: { path: '^sandbox/' },
      to: { path: '^(server|app|cli|protocol)/' },
    },
    {
      name: 'no-test-code-in-production',
      comment: 'Only tests (*.test.ts) may import test/ helpers.',
      severity: 'error',
      from: { path: '^(app|server|sandbox|cli|protocol)/', pathNot: '\\.test\\.tsx?$' },
      to: { path: '^(test|e2e)/' },
    },
    {
      name: 'protocol-is-plain',
      comment: 'protocol/ holds wire schemas only: it imports protocol/ and packages (zod), nothing else of pier.',
      severity: 'error',
      from: { path: '^protocol/' },
      to: { path: '^(server|sandbox|cli|app)/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing would hide a layer crossing.',
      severity: 'error',
      from: { path: '^(app|server|sandbox|cli|protocol)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.next)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
  },
};
