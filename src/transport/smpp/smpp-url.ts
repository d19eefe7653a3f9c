/**
 * SMPP_URL: one or more connectors, comma-separated (a comma followed by `smpp://` starts the next
 * one, so `prefixes=1514,1438` stays inside its URL):
 *
 *   smpp://system_id:password@host:port?bind=transceiver|transmitter+receiver&tps=50&window=10
 *     &source_ton=1&source_npi=1&dest_ton=1&dest_npi=1&long=udh|sar|payload&prefixes=1514,1438
 *     &name=…&system_type=…&enquire_link=30000&response_timeout=30000&mo_timeout=30000&id_scope=…&max_binds=2
 *
 * Parsing reports every problem, one line each, naming the connector; config.ts fails start-up on them.
 */

import { decodeUrlPart, numberParams, oneOfWords } from '../url-parts.js';

export type BindMode = 'transceiver' | 'transmitter+receiver';
export type LongMode = 'udh' | 'sar' | 'payload';

/** One connector's settings, validated. */
export interface ConnectorOptions {
  /** For logs and status: the `name` parameter, else host:port. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly systemId: string;
  readonly password: string;
  readonly systemType: string;
  readonly bind: BindMode;
  /** submit_sm per second; undefined = no limit. */
  readonly tps: number | undefined;
  /** submit_sm awaiting their response at most. */
  readonly window: number;
  readonly sourceTon: number;
  readonly sourceNpi: number;
  readonly destTon: number;
  readonly destNpi: number;
  /** How a message of several parts is sent: UDH (default), SAR TLVs, or one message_payload. */
  readonly long: LongMode;
  /** Destination prefixes this connector serves first; empty = any destination. */
  readonly prefixes: readonly string[];
  readonly enquireLinkMs: number;
  readonly responseTimeoutMs: number;
  /** How long the parts of an inbound concatenated message are awaited. */
  readonly moTimeoutMs: number;
  /**
   * The SMSC whose message ids this connector sees (`id_scope`): set the same value on connectors to
   * one carrier so a receipt may come back on either. Unset: host:port when there are several
   * connectors (domain/carrier-id.ts), none with one.
   */
  readonly idScope?: string;
  /**
   * Binds of this connector across every worker process on the database, at most (the carrier's
   * limit); each process holds at most one, leased in the smpp_binds table. undefined = every worker
   * process binds.
   */
  readonly maxBinds?: number | undefined;
}

export interface ParsedSmppUrls {
  readonly connectors: ConnectorOptions[];
  readonly problems: string[];
}

const PARAMETERS = [
  'bind',
  'tps',
  'window',
  'source_ton',
  'source_npi',
  'dest_ton',
  'dest_npi',
  'long',
  'prefixes',
  'name',
  'system_type',
  'enquire_link',
  'response_timeout',
  'mo_timeout',
  'id_scope',
  'max_binds',
] as const;

/** Splits the variable into URLs and parses each; problems are lines ready to print. */
export function parseSmppUrls(raw: string): ParsedSmppUrls {
  const urls = raw
    .split(/,(?=\s*[a-z][a-z0-9+.-]*:\/\/)/i)
    .map((url) => url.trim())
    .filter((url) => url !== '');
  const connectors: ConnectorOptions[] = [];
  const problems: string[] = [];
  if (urls.length === 0) problems.push('SMPP_URL: expected smpp://system_id:password@host:port');
  urls.forEach((url, index) => {
    const label = urls.length > 1 ? `SMPP_URL connector ${index + 1}` : 'SMPP_URL';
    const connector = parseOne(url, (problem) => problems.push(`${label}: ${problem}`));
    if (connector) connectors.push(connector);
  });
  const seen = new Map<string, number>();
  return {
    problems,
    // Two connectors to the same host:port (two accounts) still need distinct names.
    connectors: connectors.map((c) => {
      const count = (seen.get(c.name) ?? 0) + 1;
      seen.set(c.name, count);
      return count === 1 ? c : { ...c, name: `${c.name}#${count}` };
    }),
  };
}

function parseOne(raw: string, problem: (text: string) => void): ConnectorOptions | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problem('not a URL; expected smpp://system_id:password@host:port');
    return undefined;
  }
  if (url.protocol !== 'smpp:') {
    problem(`unsupported scheme "${url.protocol}" (expected smpp://)`);
    return undefined;
  }
  const before = problemCounter(problem);
  const report = before.report;
  const systemId = decodeUrlPart(url.username, 'system_id', report);
  const password = decodeUrlPart(url.password, 'password', report);
  if (systemId === '') report('system_id is missing (smpp://system_id:password@host:port)');
  // SMPP v3.4 §5.2: system_id is a C-octet string of 16, password of 9 (terminator included).
  if (systemId.length > 15) report('system_id is longer than 15 characters');
  if (password.length > 8) report('password is longer than 8 characters');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') report('host is missing');
  const port = url.port === '' ? 2775 : Number(url.port);
  const params = url.searchParams;
  const number = numberParams(params, report);
  for (const key of new Set(params.keys())) {
    if (!(PARAMETERS as readonly string[]).includes(key))
      report(`unknown parameter "${key}" (expected one of ${PARAMETERS.join(', ')})`);
  }
  // A literal `+` in a query string reads as a space; accept both spellings of transmitter+receiver.
  const bind = oneOfWords(
    params.get('bind')?.replace(/ /g, '+'),
    ['transceiver', 'transmitter+receiver'],
    'transceiver',
    'bind',
    report,
  );
  const long = oneOfWords(params.get('long'), ['udh', 'sar', 'payload'], 'udh', 'long', report);
  const tpsRaw = params.get('tps');
  let tps: number | undefined;
  if (tpsRaw !== null && tpsRaw !== '') {
    tps = Number(tpsRaw);
    if (!Number.isFinite(tps) || tps <= 0 || tps > 100_000) {
      report('tps must be a number of messages per second from 0.01 to 100000');
      tps = undefined;
    }
  }
  const prefixes = (params.get('prefixes') ?? '')
    .split(',')
    .map((p) => p.trim().replace(/^\+/, ''))
    .filter((p) => p !== '');
  for (const prefix of prefixes) if (!/^\d{1,15}$/.test(prefix)) report(`prefix "${prefix}" is not digits`);
  const name = params.get('name') || `${url.hostname}:${port}`;
  const systemType = params.get('system_type') ?? '';
  if (systemType.length > 12) report('system_type is longer than 12 characters');
  const numbers = {
    window: number('window', 10, 1, 1000),
    sourceTon: number('source_ton', 1, 0, 255),
    sourceNpi: number('source_npi', 1, 0, 255),
    destTon: number('dest_ton', 1, 0, 255),
    destNpi: number('dest_npi', 1, 0, 255),
    enquireLinkMs: number('enquire_link', 30_000, 1_000, 600_000),
    responseTimeoutMs: number('response_timeout', 30_000, 1_000, 300_000),
    moTimeoutMs: number('mo_timeout', 30_000, 1_000, 3_600_000),
  };
  const idScope = params.get('id_scope') || undefined;
  if (idScope?.includes('|')) report('id_scope must not contain "|"');
  const maxBinds = params.get('max_binds') ? number('max_binds', 1, 1, 1000) : undefined;
  if (before.count() > 0) return undefined;
  const connector = {
    name,
    host,
    port,
    systemId,
    password,
    systemType,
    bind,
    tps,
    long,
    prefixes,
    ...numbers,
    ...(maxBinds === undefined ? {} : { maxBinds }),
  };
  return idScope === undefined ? connector : { ...connector, idScope };
}

function problemCounter(problem: (text: string) => void): {
  report: (t: string) => void;
  count: () => number;
} {
  let count = 0;
  return {
    report: (text) => {
      count++;
      problem(text);
    },
    count: () => count,
  };
}
