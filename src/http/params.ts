import { invalidRequestBody, invalidUtf8 } from '../domain/errors.js';

/**
 * Parameters arrive as a form body, multipart fields, JSON or the query string; the body wins over
 * the query. Everything becomes a string, decoded strictly as UTF-8 (invalid bytes are an error, never
 * silently replaced).
 */
export type RawParams = Record<string, string>;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes `application/x-www-form-urlencoded` text (also a query string): `+` is a space. */
export function parseUrlEncoded(text: string): RawParams {
  const params: RawParams = Object.create(null) as RawParams;
  if (text === '') return params;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decodeComponent(pair.slice(eq + 1));
    // The first occurrence wins, as PHP's last-wins would surprise nobody less; keep it predictable.
    if (!(name in params)) params[name] = value;
  }
  return params;
}

function decodeComponent(component: string): string {
  const spaced = component.replace(/\+/g, ' ');
  if (!spaced.includes('%')) return spaced;
  const bytes: number[] = [];
  for (let i = 0; i < spaced.length; i++) {
    const ch = spaced.charCodeAt(i);
    if (ch === 0x25 /* % */ && /^[0-9a-fA-F]{2}$/.test(spaced.slice(i + 1, i + 3))) {
      bytes.push(parseInt(spaced.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch < 0x80) {
      bytes.push(ch);
    } else {
      bytes.push(...Buffer.from(spaced[i] ?? '', 'utf8'));
    }
  }
  try {
    return strictUtf8.decode(Uint8Array.from(bytes));
  } catch {
    throw invalidUtf8();
  }
}

/** Decodes a body buffer as UTF-8, refusing invalid byte sequences. */
export function decodeUtf8Body(body: Buffer): string {
  try {
    return strictUtf8.decode(body);
  } catch {
    throw invalidUtf8();
  }
}

/** JSON bodies: an object of scalars. Numbers and booleans become strings, null is absent. */
export function parseJsonParams(text: string): RawParams {
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw invalidRequestBody();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidRequestBody();
  const params: RawParams = Object.create(null) as RawParams;
  for (const [name, value] of Object.entries(parsed)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'string') params[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') params[name] = String(value);
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
      params[name] = value.join(','); // e.g. from_groups: [1, 2]
    } else throw invalidRequestBody();
  }
  return params;
}
