/** The fields of a contact a CSV column can fill. */
export type ContactColumn = 'number' | 'name' | 'email' | 'description' | 'language' | 'groups' | 'timezone';

/** Where each known column sits in a record (0-based); unknown columns are ignored. */
export type ColumnMap = Readonly<Partial<Record<ContactColumn, number>>>;

/** The delimiters the contract accepts, in the order they are tried. */
export const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

// Contract §4.4: column names in French and English, matched without case or accents.
const ALIASES: Readonly<Record<string, ContactColumn>> = {
  number: 'number',
  numero: 'number',
  phone: 'number',
  telephone: 'number',
  cellulaire: 'number',
  name: 'name',
  nom: 'name',
  email: 'email',
  courriel: 'email',
  description: 'description',
  notes: 'description',
  language: 'language',
  langue: 'language',
  groups: 'groups',
  groupes: 'groups',
  // Extension: the contact's IANA zone for quiet hours (`Time zone`, `Fuseau horaire`…).
  timezone: 'timezone',
  fuseau: 'timezone',
  fuseauhoraire: 'timezone',
};

/** `Numéro`, ` NUMERO `, `e-mail` → `numero`, `numero`, `email`: accents, case, spacing and dashes dropped. */
export function headerKey(raw: string): string {
  return raw
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\s_.-]+/g, '');
}

/** Maps header fields to contact columns; the first column of each kind wins. */
export function mapHeader(fields: readonly string[]): ColumnMap {
  const map: Partial<Record<ContactColumn, number>> = {};
  fields.forEach((field, index) => {
    const column = ALIASES[headerKey(field)];
    if (column !== undefined && map[column] === undefined) map[column] = index;
  });
  return map;
}

/** A header is usable when it names a number or an email column. */
export function hasContactKey(map: ColumnMap): boolean {
  return map.number !== undefined || map.email !== undefined;
}

/**
 * Splits one header line on a delimiter, honouring double quotes (a quoted field may hold the
 * delimiter). Good enough to choose the delimiter; the full parse decides what is malformed.
 */
export function splitHeaderLine(line: string, delimiter: Delimiter): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

export type DelimiterChoice =
  | { readonly kind: 'found'; readonly delimiter: Delimiter }
  | { readonly kind: 'none' }
  | { readonly kind: 'no-contact-column' };

/**
 * Chooses the delimiter from the header line: of the delimiters that split it, the one whose split
 * names a number or email column (the one giving more fields on a tie). `none` when no delimiter
 * appears outside quotes; `no-contact-column` when one does but no split names a number or email.
 */
export function chooseDelimiter(headerLine: string): DelimiterChoice {
  let best: { delimiter: Delimiter; fields: number } | undefined;
  let anySplit = false;
  for (const delimiter of DELIMITERS) {
    const fields = splitHeaderLine(headerLine, delimiter);
    if (fields.length < 2) continue;
    anySplit = true;
    if (!hasContactKey(mapHeader(fields))) continue;
    if (!best || fields.length > best.fields) best = { delimiter, fields: fields.length };
  }
  if (best) return { kind: 'found', delimiter: best.delimiter };
  return anySplit ? { kind: 'no-contact-column' } : { kind: 'none' };
}
