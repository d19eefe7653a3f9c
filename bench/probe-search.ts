import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { createAccount } from '../src/store/accounts/accounts-repo.js';
import { AddressBookRepo } from '../src/store/contacts/address-book-repo.js';
import { fillAccount } from './lib/web-dataset.js';
import { parseContactSearch } from '../src/domain/contacts/contact-search.js';
import { createPostgresDatabase } from '../test/helpers/database.js';

const rows = Number(process.env.ROWS ?? 1_000_000);
const pg = process.argv.includes('--pg');
let url = `sqlite:${join(mkdtempSync('/tmp/probe/'), 'p.db')}`;
if (pg) url = process.env.PROBE_URL ?? (await createPostgresDatabase(process.env.TEST_DATABASE_URL!, 'probe')).url;
const store = openStore(url);
await migrateToLatest(store);
const accountId = process.env.PROBE_URL ? 1 : await createAccount(store.db, { name: 'B', defaultLanguage: 'fr', defaultCountry: 'CA', mailFrom: null, senders: [] }, Date.now());
let t0 = performance.now();
const groups = process.env.PROBE_URL ? { auditeurs: 3, concours: 4, benevoles: 5 } : await fillAccount(store.db, accountId, rows, console.log);
console.log('fill', ((performance.now() - t0) / 1000).toFixed(1), 's', url);
const repo = new AddressBookRepo(store.db, store.dialect);
console.log(await repo.listGroupSummaries(accountId));
const cases: [string, any, any][] = [
  ['first', {}, { after: 0 }],
  ['later', {}, { after: 500_000 }],
  ['before', {}, { before: 700_000 }],
  ['blocked', { blocked: true }, { after: 0 }],
  ['name common', { search: parseContactSearch('tremblay', 'CA') }, { after: 0 }],
  ['name common later', { search: parseContactSearch('tremblay', 'CA') }, { after: 600_000 }],
  ['name 2 words', { search: parseContactSearch('jean trem', 'CA') }, { after: 0 }],
  ['name rare', { search: parseContactSearch('papineau', 'CA') }, { after: 0 }],
  ['name accent', { search: parseContactSearch('helene cote', 'CA') }, { after: 0 }],
  ['name short prefix', { search: parseContactSearch('ga', 'CA') }, { after: 0 }],
  ['number full', { search: parseContactSearch('514 200-0005', 'CA') }, { after: 0 }],
  ['number 7', { search: parseContactSearch('514 200-1', 'CA') }, { after: 0 }],
  ['number 3', { search: parseContactSearch('514', 'CA') }, { after: 0 }],
  ['number 3 later', { search: parseContactSearch('514', 'CA') }, { after: 900_000 }],
  ['email', { search: parseContactSearch('jean.tremblay.12', 'CA') }, { after: 0 }],
  ['email short', { search: parseContactSearch('j.', 'CA') }, { after: 0 }],
  ['group big', { groupId: groups.auditeurs }, { after: 0 }],
  ['group small', { groupId: groups.benevoles }, { after: 0 }],
  ['group small later', { groupId: groups.benevoles }, { after: 500_000 }],
  ['group+name', { groupId: groups.concours, search: parseContactSearch('tremblay', 'CA') }, { after: 0 }],
  ['group+name rare', { groupId: groups.benevoles, search: parseContactSearch('papineau', 'CA') }, { after: 0 }],
];
for (const [label, filter, cursor] of cases) {
  const times: number[] = [];
  let n = 0;
  for (let k = 0; k < 15; k++) {
    t0 = performance.now();
    n = (await repo.listContacts(accountId, filter, cursor, 51)).length;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(label.padEnd(22), 'rows', String(n).padStart(3), 'median', times[7]!.toFixed(1), 'max', times[14]!.toFixed(1));
}
t0 = performance.now(); await repo.listGroupSummaries(accountId); console.log('summaries', (performance.now()-t0).toFixed(1));
await store.close();
