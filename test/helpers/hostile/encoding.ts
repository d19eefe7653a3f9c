/**
 * Puts a hostile request's parameters on the wire in one of the API's encodings (form, JSON,
 * multipart, query string), in both at once, or broken on purpose (truncated multipart, unparsable
 * JSON, a content type that lies). Values stay bytes to the end, so broken UTF-8 reaches the server.
 */

export type Encoding =
  | 'form'
  | 'json'
  | 'multipart'
  | 'query'
  | 'query+form'
  | 'query+json'
  | 'json-typed'
  | 'raw'
  | 'json-broken'
  | 'multipart-broken'
  | 'form-no-type'
  | 'wrong-type'
  | 'text-plain';

export type Field = readonly [name: string, value: Uint8Array];

export interface WireForm {
  readonly headers: Record<string, string>;
  readonly query: string | undefined;
  readonly body: Buffer | undefined;
}

const FORM = 'application/x-www-form-urlencoded';
const LYING_TYPES = [
  'application/xml',
  'image/png',
  'application/json; charset=latin1',
  'multipart/form-data',
  'application/x-www-form-urlencoded; charset=utf-16',
  'text/csv',
  '*/*',
  'application/json, text/html',
  'multipart/mixed; boundary=x',
  'application/vnd.api+json',
];

const UNRESERVED = new Uint8Array(256);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~') {
  UNRESERVED[char.charCodeAt(0)] = 1;
}
const HEX = Buffer.from('0123456789ABCDEF', 'latin1');

/** Percent-encodes every byte but the unreserved ones (byte-wise: megabyte values stay cheap). */
function percentEncode(bytes: Uint8Array): string {
  const out = Buffer.allocUnsafe(bytes.length * 3);
  let at = 0;
  for (const byte of bytes) {
    if (UNRESERVED[byte]) {
      out[at++] = byte;
    } else {
      out[at++] = 0x25;
      out[at++] = HEX[byte >> 4] ?? 0x30;
      out[at++] = HEX[byte & 15] ?? 0x30;
    }
  }
  return out.toString('latin1', 0, at);
}

function formOf(fields: readonly Field[]): string {
  return fields
    .map(([name, value]) => `${percentEncode(Buffer.from(name))}=${percentEncode(value)}`)
    .join('&');
}

/** A JSON string of the bytes: escaped when they are UTF-8, raw (and so invalid) when they are not. */
function jsonString(bytes: Uint8Array): Buffer {
  const decoded = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (Buffer.from(decoded, 'utf8').equals(Buffer.from(bytes))) return Buffer.from(JSON.stringify(decoded));
  const escaped = Buffer.from(bytes).toString('latin1').replace(/["\\]/g, '\\$&');
  return Buffer.concat([Buffer.from('"'), Buffer.from(escaped, 'latin1'), Buffer.from('"')]);
}

/** JSON values of every type where the API expects strings: numbers, arrays, objects, null, booleans. */
function jsonTyped(bytes: Uint8Array, index: number): Buffer {
  const text = Buffer.from(bytes).toString('utf8');
  const forms = [
    /^-?\d+(\.\d+)?(e\d+)?$/i.test(text) ? text : '1e309',
    `[${jsonString(bytes).toString('latin1')}]`,
    `{"value":${jsonString(bytes).toString('latin1')}}`,
    'null',
    'true',
    '[[[[[[[[[[[]]]]]]]]]]]',
  ];
  return Buffer.from(forms[index % forms.length] ?? 'null', 'latin1');
}

function jsonOf(fields: readonly Field[], typed: boolean): Buffer {
  const members = fields.map(([name, value], index) =>
    Buffer.concat([
      Buffer.from(JSON.stringify(name)),
      Buffer.from(':'),
      typed ? jsonTyped(value, index) : jsonString(value),
    ]),
  );
  const joined: Buffer[] = [];
  members.forEach((member, index) => joined.push(...(index === 0 ? [member] : [Buffer.from(','), member])));
  return Buffer.concat([Buffer.from('{'), ...joined, Buffer.from('}')]);
}

function multipartOf(fields: readonly Field[], fileNames: ReadonlySet<string>, boundary: string): Buffer {
  const parts = fields.map(([name, value]) => {
    const file = fileNames.has(name) ? '; filename="contacts.csv"\r\nContent-Type: text/csv' : '';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file}\r\n\r\n`;
    return Buffer.concat([Buffer.from(head, 'latin1'), value, Buffer.from('\r\n')]);
  });
  return Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
}

/** The wire form of `fields` in `encoding`; `variant` (any number) picks among broken forms. */
export function encodeBody(
  encoding: Encoding,
  fields: readonly Field[],
  fileNames: ReadonlySet<string>,
  boundary: string,
): WireForm {
  const variant = boundary.length;
  const form = Buffer.from(formOf(fields), 'latin1');
  const half = Math.ceil(fields.length / 2);
  switch (encoding) {
    case 'form':
      return { headers: { 'content-type': FORM }, query: undefined, body: form };
    case 'json':
    case 'json-typed':
      return {
        headers: { 'content-type': 'application/json' },
        query: undefined,
        body: jsonOf(fields, encoding === 'json-typed'),
      };
    case 'multipart':
      return {
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        query: undefined,
        body: multipartOf(fields, fileNames, boundary),
      };
    case 'query':
      return { headers: {}, query: formOf(fields), body: undefined };
    case 'query+form':
      return {
        headers: { 'content-type': FORM },
        query: formOf(fields.slice(0, half)),
        body: Buffer.from(formOf(fields.slice(half)), 'latin1'),
      };
    case 'query+json':
      return {
        headers: { 'content-type': 'application/json' },
        query: formOf(fields),
        body: jsonOf(fields.slice(half), false),
      };
    case 'raw':
      return {
        headers: { 'content-type': FORM },
        query: undefined,
        body: Buffer.concat(fields.map(([, v]) => v)),
      };
    case 'json-broken': {
      const json = jsonOf(fields, false);
      const broken = [
        json.subarray(0, Math.max(1, json.length - 1)),
        Buffer.from(`${json.toString('latin1')},`),
        form,
      ];
      return { headers: { 'content-type': 'application/json' }, query: undefined, body: broken[variant % 3] };
    }
    case 'multipart-broken': {
      const body = multipartOf(fields, fileNames, boundary);
      const types = [
        `multipart/form-data; boundary=${boundary}`,
        'multipart/form-data',
        `multipart/form-data; boundary=other${boundary}`,
      ];
      return {
        headers: { 'content-type': types[variant % 3] ?? 'multipart/form-data' },
        query: undefined,
        body: variant % 2 === 0 ? body.subarray(0, Math.floor(body.length / 2)) : body,
      };
    }
    case 'form-no-type':
      return { headers: {}, query: undefined, body: form };
    case 'wrong-type':
      return {
        headers: { 'content-type': LYING_TYPES[variant % LYING_TYPES.length] ?? 'text/csv' },
        query: undefined,
        body: form,
      };
    case 'text-plain':
      return { headers: { 'content-type': 'text/plain; charset=utf-8' }, query: undefined, body: form };
  }
}

/** The fields as a query string. */
export function queryOf(fields: readonly Field[]): string {
  return formOf(fields);
}
