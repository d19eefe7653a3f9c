import fc from 'fast-check';
import type { Endpoint, ParamSpec } from '../../../src/http/endpoint.js';
import { asBytes, hostileValue } from './values.js';
import { hostileFile } from './files.js';
import { encodeBody, queryOf, type Encoding } from './encoding.js';

/** What the campaign knows of an account's data: valid ids and names to use, or to misuse. */
export interface AccountFixtures {
  readonly contactIds: readonly string[];
  readonly numbers: readonly string[];
  readonly emails: readonly string[];
  readonly groupIds: readonly string[];
  readonly groupNames: readonly string[];
  readonly broadcastIds: readonly string[];
  readonly importIds: readonly string[];
  readonly webhookIds: readonly string[];
  readonly messageIds: readonly string[];
  readonly userEmail: string;
  readonly senders: readonly string[];
}

/** One request as it goes on the wire. */
export interface HostileRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | undefined;
  /** For the report: the endpoint and how the body was built. */
  readonly label: string;
  /** A web platform form post (answers HTML pages and redirects, not the API's JSON). */
  readonly web?: boolean;
}

const ids = (values: readonly string[]): string[] => (values.length > 0 ? [...values] : ['1']);

/** Values that get past the first checks, so the deeper code runs too; ids of both accounts. */
function plausibleValues(name: string, own: AccountFixtures, foreign: AccountFixtures): string[] {
  const both = (pick: (f: AccountFixtures) => readonly string[]) => [
    ...ids(pick(own)),
    ...ids(pick(foreign)),
  ];
  const dates = [
    '2026-01-01 00:00:00',
    '2030-12-31 23:59:59',
    '2026-02-30 25:61:61',
    '1969-12-31 23:59:59',
    '2026-1-1',
  ];
  const numbers = [
    '15145550101',
    '5145550199',
    '+1 (514) 555-0102',
    '33612345678',
    '911',
    ...both((f) => f.numbers),
  ];
  switch (name) {
    case 'to':
    case 'number':
      return [...numbers, ...both((f) => f.emails)];
    case 'from':
      return [...own.senders, ...foreign.senders, '15145550000'];
    case 'email':
      return [own.userEmail, foreign.userEmail, 'x@example.com', 'not-an-email', ...both((f) => f.emails)];
    case 'id':
    case 'contact':
      return [
        ...both((f) => f.contactIds),
        ...both((f) => f.numbers),
        ...both((f) => f.emails),
        ...both((f) => f.webhookIds),
      ];
    case 'group':
    case 'group_id':
      return [...both((f) => f.groupIds), ...both((f) => f.groupNames), 'Tous', 'Blocked', 'blocked'];
    case 'from_groups':
    case 'rom_groups':
      return [...both((f) => f.groupIds), both((f) => f.groupIds).join(','), 'Tous', '1,,2', ','];
    case 'broadcast':
      return both((f) => f.broadcastIds);
    case 'import_id':
      return both((f) => f.importIds);
    case 'since_id':
    case 'limit':
    case 'offset':
    case 'user_id':
      return ['0', '1', '10', '1000', '1000000', ...both((f) => f.messageIds)];
    case 'date_start':
    case 'launch_date':
      return dates;
    case 'pref_timezone':
      return ['America/Montreal', 'UTC', 'Europe/Paris', 'Mars/Olympus_Mons', '+05:00'];
    case 'url':
      return [
        'https://hooks.example.test/in',
        'http://127.0.0.1:9/',
        'http://169.254.169.254/latest/meta-data',
        'http://[::1]/',
        'ftp://example.test/',
        'javascript:alert(1)',
        'https://user:pass@example.invalid:99999/',
      ];
    case 'events':
      return ['mo', 'status', 'mo,status', 'all', 'mo,,mo', 'MO'];
    case 'code':
      return ['1234', '123456', '12', '12345678901', 'abcd'];
    case 'message':
    case 'fr_message':
    case 'en_message':
      return ['Bonjour', 'Hello {first_name}', '€'.repeat(200), 'x'.repeat(161), 'STOP'];
    default:
      return ['x', 'Fuzz', '1'];
  }
}

/** A parameter's value: mostly plausible or hostile; the spec's enum and both accounts' ids included. */
function paramValue(name: string, spec: ParamSpec, own: AccountFixtures, foreign: AccountFixtures) {
  const plausible = [...plausibleValues(name, own, foreign), ...(spec.enum ?? [])];
  return fc.oneof(
    { arbitrary: fc.constantFrom(...plausible).map(asBytes), weight: 5 },
    { arbitrary: hostileValue, weight: 4 },
  );
}

const METHODS = fc.oneof(
  { arbitrary: fc.constant('POST'), weight: 14 },
  { arbitrary: fc.constant('GET'), weight: 5 },
  {
    arbitrary: fc.constantFrom('HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'PROPFIND', 'QUERY'),
    weight: 1,
  },
);

/** The endpoint's own path, or a near miss (case, suffixes, encodings, traversal). */
function pathOf(name: string) {
  return fc.oneof(
    { arbitrary: fc.constant(`/api/${name}`), weight: 20 },
    {
      arbitrary: fc.constantFrom(
        `/api/${name}/`,
        `/api/${name.toUpperCase()}`,
        `/api/${name}%00`,
        `/api/${name};jsessionid=1`,
        `/api/${name}/../send`,
        `//api/${name}`,
        `/api/${name}%2F..`,
        `/api/${name}%zz`,
        `/api/${name}%C3%28`,
        `/api/${encodeURIComponent(name)}x`,
        '/api/',
        '/api/..%2f..%2fetc%2fpasswd',
      ),
      weight: 1,
    },
  );
}

const KEYS = (ownKey: string) =>
  fc.oneof(
    { arbitrary: fc.constant<string | undefined>(ownKey), weight: 20 },
    {
      arbitrary: fc.constantFrom<string | undefined>(
        undefined,
        '',
        'x',
        ownKey.slice(0, -1),
        `${ownKey} `,
        "' OR 1=1 --",
      ),
      weight: 1,
    },
  );

const ENCODINGS = fc.oneof(
  { arbitrary: fc.constantFrom<Encoding>('form', 'json', 'multipart', 'query'), weight: 12 },
  { arbitrary: fc.constantFrom<Encoding>('query+form', 'query+json', 'json-typed', 'raw'), weight: 4 },
  {
    arbitrary: fc.constantFrom<Encoding>(
      'json-broken',
      'multipart-broken',
      'form-no-type',
      'wrong-type',
      'text-plain',
    ),
    weight: 2,
  },
);

/** Parameters nobody declared: prototype keys, duplicates of real ones in other case, array syntax. */
const EXTRA_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'to[]',
  'TO',
  'status',
  'account_id',
  'api_key',
  '',
];

/** Every endpoint's requests as account `own` would send them, aiming at `foreign`'s data too. */
export function hostileRequests(
  endpoints: readonly Pick<Endpoint, 'name' | 'params'>[],
  ownKey: string,
  own: AccountFixtures,
  foreign: AccountFixtures,
): fc.Arbitrary<HostileRequest> {
  // One arbitrary per endpoint, built once: a draw then costs little, not a rebuild of them all.
  const perEndpoint = endpoints.map((endpoint) => {
    const specs = Object.entries<ParamSpec>(endpoint.params);
    const named = specs.map(([name, spec]) => {
      const value = spec.file ? hostileFile(own, foreign) : paramValue(name, spec, own, foreign);
      return fc.option(
        value.map((bytes) => [name, bytes] as const),
        { freq: 3 },
      );
    });
    const extras = fc.array(
      fc.tuple(fc.constantFrom(...EXTRA_NAMES, ...specs.map(([name]) => name)), hostileValue),
      { maxLength: 2 },
    );
    return fc
      .record({
        method: METHODS,
        path: pathOf(endpoint.name),
        key: KEYS(ownKey),
        encoding: ENCODINGS,
        params: fc.tuple(...named),
        extras,
        boundary: fc.string({ unit: fc.constantFrom(...'abcXYZ0129-_'), minLength: 1, maxLength: 30 }),
      })
      .map(({ method, path, key, encoding, params, extras: extra, boundary }): HostileRequest => {
        const fields = [...params.filter((p) => p !== null), ...extra];
        const fileNames = new Set(specs.filter(([, s]) => s.file).map(([name]) => name));
        const wire = encodeBody(encoding, fields, fileNames, boundary);
        const headers: Record<string, string> = { ...wire.headers };
        if (key !== undefined) headers['vudumobile-api-key'] = key;
        const bodiless = method === 'GET' || method === 'HEAD';
        // A GET or HEAD carries its parameters in the query string, whatever the body would have been.
        const queryText = bodiless && wire.body !== undefined ? queryOf(fields) : wire.query;
        const query = queryText === undefined ? '' : `?${queryText}`;
        const body = bodiless ? undefined : wire.body;
        if (body !== undefined) headers['content-length'] = String(body.length);
        return {
          method,
          path: `${path}${query}`,
          headers,
          body,
          label: `${method} ${endpoint.name} ${encoding}`,
        };
      });
  });
  return fc.oneof(...perEndpoint);
}
