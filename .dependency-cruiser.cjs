/**
 * The layers (ARCHITECTURE.md), checked by `npm run lint`:
 * - domain holds the rules and owns its ports; it imports no infrastructure and no outer layer;
 * - http, workers and cli call domain services, never the store;
 * - the store implements the domain's ports and never reaches outwards (http, workers, cli, transport);
 * - transports implement the domain's ports and know nothing of the store or the API;
 * - security (password hashing) implements a domain port and, likewise, knows nothing of the rest;
 * - no import cycles.
 * The paths match `src/<layer>/` anywhere in a path, so test/fixtures/layers/ can prove each rule bites.
 */
const layer = (name) => `(^|/)src/${name}/`;

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'The domain imports no store, transport, security, http, workers, cli or composition root.',
      severity: 'error',
      from: { path: layer('domain') },
      to: {
        path: ['store', 'transport', 'security', 'http', 'workers', 'cli']
          .map(layer)
          .concat(['(^|/)src/[^/]+\\.ts$']),
      },
    },
    {
      name: 'domain-no-infrastructure-packages',
      comment: 'The domain reaches the database, HTTP and carriers only through its ports.',
      severity: 'error',
      from: { path: layer('domain') },
      to: {
        path: '(^|/)node_modules/(fastify|@fastify/[^/]+|kysely|better-sqlite3|pg|nodemailer|smpp|pino|prom-client|commander|@node-rs/argon2)/',
      },
    },
    {
      name: 'edges-call-services-not-the-store',
      comment:
        'HTTP routes, workers and the CLI call domain services; only the composition root opens the store.',
      severity: 'error',
      from: { path: ['http', 'web', 'workers', 'cli'].map(layer) },
      to: { path: layer('store') },
    },
    {
      name: 'store-stays-inside',
      comment: 'The store implements ports; it does not call outer layers or transports.',
      severity: 'error',
      from: { path: layer('store') },
      to: { path: ['transport', 'http', 'web', 'workers', 'cli'].map(layer) },
    },
    {
      name: 'store-throws-no-api-error',
      comment: 'Expected failures are decided by the domain; the store reports outcomes.',
      severity: 'error',
      from: { path: layer('store') },
      to: { path: '(^|/)src/domain/errors\\.ts$' },
    },
    {
      name: 'transport-stays-inside',
      comment:
        'Transports implement the domain ports; they know nothing of the store, the API or the workers.',
      severity: 'error',
      from: { path: layer('transport') },
      to: { path: ['store', 'http', 'web', 'workers', 'cli'].map(layer) },
    },
    {
      name: 'security-stays-inside',
      comment:
        'Password hashing implements a domain port; it knows nothing of the store, transports, the API or the workers.',
      severity: 'error',
      from: { path: layer('security') },
      to: { path: ['store', 'transport', 'http', 'web', 'workers', 'cli'].map(layer) },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
