import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.js';

/**
 * A large address book for bench/web.ts: `rows` contacts in one account with Québec names (40 common
 * first names × 40 common surnames, so a surname matches about 2.5 % of the book, plus 8 rare surnames
 * of about 10 contacts each), five area codes, one email each, 1 in 50 blocked, and three groups:
 * Auditeurs (every second contact), Concours (1 in 100) and Bénévoles (1 in 5,000). Written by
 * multi-row INSERTs through the store, so the triggers of migration 009 (search index, counts) run.
 */
export const FIRST_NAMES = [
  'Jean',
  'Marie',
  'Louis',
  'Sophie',
  'Marc',
  'Julie',
  'Hélène',
  'François',
  'Éric',
  'Geneviève',
  'Mathieu',
  'Isabelle',
  'Stéphane',
  'Nathalie',
  'Pierre',
  'Chantal',
  'Sylvie',
  'Luc',
  'Martin',
  'Catherine',
  'Gabriel',
  'Léa',
  'Émile',
  'Chloé',
  'Olivier',
  'Zoé',
  'Félix',
  'Alice',
  'Samuel',
  'Camille',
  'Benoît',
  'Josée',
  'Réjean',
  'Ginette',
  'Gaétan',
  'Lise',
  'Denis',
  'Mélanie',
  'Yves',
  'Anaïs',
];
export const LAST_NAMES = [
  'Tremblay',
  'Gagnon',
  'Roy',
  'Côté',
  'Bouchard',
  'Gauthier',
  'Morin',
  'Lavoie',
  'Fortin',
  'Gagné',
  'Ouellet',
  'Pelletier',
  'Bélanger',
  'Lévesque',
  'Bergeron',
  'Leblanc',
  'Paquette',
  'Girard',
  'Simard',
  'Boucher',
  'Caron',
  'Beaulieu',
  'Cloutier',
  'Dubé',
  'Poirier',
  'Fournier',
  'Lapointe',
  'Leclerc',
  'Lefebvre',
  'Poulin',
  'Thibault',
  'St-Pierre',
  'Nadeau',
  'Martel',
  'Landry',
  'Bédard',
  'Grenier',
  'Lessard',
  'Bernier',
  'Richard',
];
/** Each used by about 10 contacts in a million: the "rare name" searches. */
export const RARE_NAMES = [
  'Papineau',
  'Vigneault',
  'Létourneau',
  'Champlain',
  'Riopelle',
  'Borduas',
  'Gélinas',
  'Ferron',
];
const AREA_CODES = ['514', '438', '450', '418', '819'];

const ascii = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

export interface DatasetContact {
  name: string;
  number: string;
  email: string;
  blocked: boolean;
}

export function datasetContact(i: number): DatasetContact {
  const first = FIRST_NAMES[i % FIRST_NAMES.length] ?? 'Jean';
  // A multiplicative hash spreads surnames independently of first names.
  const rare = i % 100_000 < RARE_NAMES.length ? RARE_NAMES[i % 100_000] : undefined;
  const last = rare ?? LAST_NAMES[Math.floor((i * 2654435761) / 2 ** 32) % LAST_NAMES.length] ?? 'Roy';
  const area = AREA_CODES[i % AREA_CODES.length] ?? '514';
  return {
    name: `${first} ${last}`,
    number: `1${area}${2_000_000 + i}`,
    email: `${ascii(first)}.${ascii(last)}.${i}@example.com`,
    blocked: i % 50 === 7,
  };
}

/** Fills the account; returns the ids of its three groups. Prints progress every 100,000 rows. */
export async function fillAccount(
  db: Kysely<Database>,
  accountId: number,
  rows: number,
  log: (line: string) => void = () => {},
): Promise<{ auditeurs: number; concours: number; benevoles: number }> {
  const now = Date.now();
  const groupIds: number[] = [];
  for (const name of ['Auditeurs', 'Concours', 'Bénévoles']) {
    const row = await db
      .insertInto('groups')
      .values({
        account_id: accountId,
        name,
        name_key: name.toLowerCase(),
        system_kind: null,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    groupIds.push(row.id);
  }
  const [auditeurs = 0, concours = 0, benevoles = 0] = groupIds;
  const PIECE = 500;
  const PER_TRANSACTION = 20;
  for (let start = 0; start < rows; start += PIECE * PER_TRANSACTION) {
    await db.transaction().execute(async (trx) => {
      for (let at = start; at < Math.min(rows, start + PIECE * PER_TRANSACTION); at += PIECE) {
        const values = [];
        for (let i = at; i < Math.min(rows, at + PIECE); i++) {
          const c = datasetContact(i);
          values.push({
            account_id: accountId,
            number: c.number,
            email: c.email,
            name: c.name,
            description: '',
            language: i % 4 === 0 ? 'en' : 'fr',
            user_id: 0,
            is_blocked: c.blocked ? 1 : 0,
            created_at: now,
          });
        }
        const inserted = await trx
          .insertInto('contacts')
          .values(values)
          .returning(['id', 'number'])
          .execute();
        const members: { group_id: number; contact_id: number; created_at: number }[] = [];
        for (const { id, number } of inserted) {
          const i = Number((number ?? '0').slice(4)) - 2_000_000;
          if (i % 2 === 0) members.push({ group_id: auditeurs, contact_id: id, created_at: now });
          if (i % 100 === 3) members.push({ group_id: concours, contact_id: id, created_at: now });
          if (i % 5000 === 11) members.push({ group_id: benevoles, contact_id: id, created_at: now });
        }
        if (members.length > 0) await trx.insertInto('group_members').values(members).execute();
      }
    });
    const done = Math.min(rows, start + PIECE * PER_TRANSACTION);
    if (done % 100_000 === 0 || done === rows) log(`  ${done.toLocaleString('en')} contacts written`);
  }
  await sql`analyze`.execute(db);
  return { auditeurs, concours, benevoles };
}
