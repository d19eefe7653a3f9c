/**
 * VOICE_URL: one or more SIP trunks, comma-separated, tried in order (a comma followed by `sip:`
 * starts the next one, so `codecs=pcma,pcmu` stays inside its trunk):
 *
 *   sip:user:password@host:port;transport=udp|tcp;caller_id=15145550000;codecs=pcmu,pcma
 *     ;max_calls=10;cps=5;ring_timeout=40;dial_prefix=+;name=…;local_port=5070;public_address=203.0.113.7
 *
 * Parameters may also follow a `?` joined by `&`, as in a query string. `user:password@` is optional
 * (a trunk that authenticates by source address); %-escape `@ : ; , ?` in them. Parsing reports every
 * problem, one line each, naming the trunk; config.ts fails start-up on them.
 */
import { isIP } from 'node:net';
import { decodeUrlPart, numberParams, oneOfWords } from '../url-parts.js';

export type SipTransportProtocol = 'udp' | 'tcp';
export type VoiceCodec = 'PCMU' | 'PCMA';

/** One trunk's settings, validated. */
export interface TrunkOptions {
  /** For logs: the `name` parameter, else host:port. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly protocol: SipTransportProtocol;
  /** Digest credentials; empty user = the trunk does not challenge (or we cannot answer it). */
  readonly user: string;
  readonly password: string;
  /** The From number; undefined = the verification's own sender number. */
  readonly callerId: string | undefined;
  /** Offered in this order; the answer picks one. */
  readonly codecs: readonly VoiceCodec[];
  /** Calls in progress on this trunk at most (from INVITE to the end of the BYE). */
  readonly maxCalls: number;
  /** INVITEs per second at most. */
  readonly callsPerSecond: number;
  /** How long the phone may ring before we CANCEL (outcome no_answer). */
  readonly ringTimeoutMs: number;
  /** Written before the dialled number's digits: `+` (E.164, the default), `011`, or nothing. */
  readonly dialPrefix: string;
  /** Local SIP port (UDP or TCP as `transport`); 0 = any free port. */
  readonly localPort: number;
  /** Address written in Via, Contact and SDP when ours is not the one the trunk sees (NAT). */
  readonly publicAddress: string | undefined;
}

export interface ParsedVoiceUrls {
  readonly trunks: TrunkOptions[];
  readonly problems: string[];
}

const PARAMETERS = [
  'transport',
  'caller_id',
  'codecs',
  'max_calls',
  'cps',
  'ring_timeout',
  'dial_prefix',
  'name',
  'local_port',
  'public_address',
] as const;

const URL_SHAPE = /^sip:(?:([^:@]*)(?::([^@]*))?@)?([^:;?@\s]+)(?::(\d{1,5}))?([;?].*)?$/i;

/** Splits the variable into trunks and parses each; problems are lines ready to print. */
export function parseVoiceUrls(raw: string): ParsedVoiceUrls {
  const urls = raw
    .split(/,(?=\s*sips?:)/i)
    .map((url) => url.trim())
    .filter((url) => url !== '');
  const trunks: TrunkOptions[] = [];
  const problems: string[] = [];
  if (urls.length === 0) problems.push('VOICE_URL: expected sip:user:password@host:port;transport=udp');
  urls.forEach((url, index) => {
    const label = urls.length > 1 ? `VOICE_URL trunk ${index + 1}` : 'VOICE_URL';
    let count = 0;
    const report = (text: string): void => {
      count++;
      problems.push(`${label}: ${text}`);
    };
    const trunk = parseOne(url, report);
    if (trunk && count === 0) trunks.push(trunk);
  });
  return { trunks, problems };
}

function parseOne(raw: string, report: (text: string) => void): TrunkOptions | undefined {
  if (/^sips:/i.test(raw)) {
    report('sips: (SIP over TLS) is not supported; use sip: with transport=udp or tcp');
    return undefined;
  }
  const match = URL_SHAPE.exec(raw);
  if (!match) {
    report('expected sip:user:password@host:port;transport=udp|tcp');
    return undefined;
  }
  const [, rawUser = '', rawPassword = '', host = '', rawPort, rawParams = ''] = match;
  const user = decodeUrlPart(rawUser, 'user', report);
  const password = decodeUrlPart(rawPassword, 'password', report);
  if (password !== '' && user === '') report('a password needs a user (sip:user:password@host)');
  const port = rawPort === undefined ? 5060 : Number(rawPort);
  if (port < 1 || port > 65535) report('port must be from 1 to 65535');
  const params = readParams(rawParams, report);
  const number = numberParams(params, report);
  const protocol = oneOfWords(
    params.get('transport')?.toLowerCase(),
    ['udp', 'tcp'],
    'udp',
    'transport',
    report,
  );
  const callerId = params.get('caller_id');
  if (callerId !== undefined && !/^\+?\d{1,20}$/.test(callerId))
    report('caller_id must be a number (digits)');
  const dialPrefix = params.get('dial_prefix') ?? '+';
  if (!/^[+\d]{0,8}$/.test(dialPrefix)) report('dial_prefix must be "+" or digits (at most 8)');
  const publicAddress = params.get('public_address');
  if (publicAddress !== undefined && isIP(publicAddress) !== 4)
    report('public_address must be an IPv4 address');
  return {
    name: params.get('name') || `${host}:${port}`,
    host,
    port,
    protocol,
    user,
    password,
    callerId: callerId?.replace(/^\+/, ''),
    codecs: readCodecs(params.get('codecs'), report),
    maxCalls: number('max_calls', 10, 1, 1000),
    callsPerSecond: number('cps', 5, 0.01, 1000, false),
    ringTimeoutMs: number('ring_timeout', 40, 5, 300) * 1000,
    dialPrefix,
    localPort: number('local_port', 0, 0, 65535),
    publicAddress,
  };
}

function readParams(raw: string, report: (text: string) => void): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of raw.split(/[;?&]/)) {
    if (pair === '') continue;
    const [key = '', ...rest] = pair.split('=');
    const name = key.toLowerCase();
    if (!(PARAMETERS as readonly string[]).includes(name)) {
      report(`unknown parameter "${key}" (expected one of ${PARAMETERS.join(', ')})`);
      continue;
    }
    params.set(name, decodeUrlPart(rest.join('='), name, report));
  }
  return params;
}

function readCodecs(raw: string | undefined, report: (text: string) => void): VoiceCodec[] {
  if (raw === undefined || raw === '') return ['PCMU', 'PCMA'];
  const codecs: VoiceCodec[] = [];
  for (const name of raw.split(',').map((c) => c.trim().toUpperCase())) {
    if (name !== 'PCMU' && name !== 'PCMA') report(`codec "${name}" is not supported (pcmu, pcma)`);
    else if (!codecs.includes(name)) codecs.push(name);
  }
  return codecs;
}
