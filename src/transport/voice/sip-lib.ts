/**
 * A typed face for the `sip` package (sip.js 0.0.6, CommonJS, no types), declaring only what the
 * voice transport uses: a stack per trunk (`create`), its parser and printer, and `makeResponse`.
 *
 * Messages are the package's plain objects: header names lower-case; `via`, `contact`, `route`,
 * `record-route`, `www-authenticate`… parsed into arrays; any other header a string. The stack
 * runs RFC 3261's transaction layer (retransmissions over UDP, timers B/F, the ACK of a non-2xx
 * final answer); the dialog above it (ACK of a 2xx, CANCEL, BYE, in-dialog requests) is ours.
 */
import { createRequire } from 'node:module';

export interface SipUri {
  schema?: string;
  user?: string;
  password?: string;
  host: string;
  port?: number;
  params: Record<string, string | null>;
  headers?: Record<string, string>;
}

/** A name-addr header (From, To, Contact, Route): `"name" <uri>;params`. */
export interface SipAddress {
  name?: string;
  uri: string | SipUri;
  params: Record<string, string | null | undefined>;
}

export interface SipVia {
  version?: string;
  protocol?: string;
  host?: string;
  port?: number;
  params: Record<string, string | null | undefined>;
}

/** A parsed authentication header; values keep their quotes, as on the wire. */
export type SipAuthHeader = Record<string, string | undefined> & { scheme?: string };

export interface SipHeaders {
  via?: SipVia[];
  from?: SipAddress;
  to?: SipAddress;
  'call-id'?: string;
  cseq?: { seq: number; method: string };
  contact?: SipAddress[] | '*';
  route?: SipAddress[];
  'record-route'?: SipAddress[];
  'www-authenticate'?: SipAuthHeader[];
  'proxy-authenticate'?: SipAuthHeader[];
  authorization?: SipAuthHeader[];
  'proxy-authorization'?: SipAuthHeader[];
  'content-type'?: string;
  'content-length'?: number;
  [name: string]: unknown;
}

export interface SipMessage {
  method?: string;
  uri?: string | SipUri;
  status?: number;
  reason?: string;
  version?: string;
  headers: SipHeaders;
  content?: string;
}

export type SipRequest = SipMessage & { method: string; uri: string | SipUri };
export type SipResponse = SipMessage & { status: number };

/** Where a message came from (the stack's second callback argument). */
export interface SipRemote {
  protocol: string;
  address: string;
  port: number;
}

export interface SipStackOptions {
  /** Port the stack listens on (UDP and TCP alike); 0 is read as 5060 by the package. */
  port: number;
  /** Interface to bind. */
  address: string;
  /** Host written in Via (and used to recognise our own URIs). */
  publicAddress: string;
  udp: boolean;
  tcp: boolean;
  logger?: {
    send?: (message: SipMessage, target: SipRemote) => void;
    recv?: (message: SipMessage, remote: SipRemote) => void;
    error?: (error: unknown) => void;
  };
}

export interface SipStack {
  /** Requests open a client transaction whose responses reach `onResponse`; responses go to theirs. */
  send(message: SipMessage, onResponse?: (response: SipResponse) => void): void;
  destroy(): void;
}

interface SipModule {
  create(options: SipStackOptions, onRequest: (request: SipRequest, remote: SipRemote) => void): SipStack;
  parse(text: string): SipMessage | undefined;
  stringify(message: SipMessage): string;
  parseUri(uri: string | SipUri): SipUri | undefined;
  stringifyUri(uri: string | SipUri): string;
  makeResponse(request: SipRequest, status: number, reason?: string): SipResponse;
}

const require = createRequire(import.meta.url);

export const sipLib = require('sip') as SipModule;
