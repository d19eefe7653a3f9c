import { BlockList, isIP } from 'node:net';
import { invalidAllowEntry } from '../errors.js';

/** Writes an address plainly: `::ffff:127.0.0.1` becomes `127.0.0.1`. */
export function plainIp(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

/** Checks one allow-list entry: a single IPv4/IPv6 address or a CIDR range. */
export function isValidAllowEntry(entry: string): boolean {
  const [address, prefix, extra] = entry.split('/');
  if (extra !== undefined || address === undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * An allow-list as an account writes it (one entry a line, or separated by commas or spaces): each
 * entry checked by isValidAllowEntry, duplicates dropped, order kept. The first bad entry is refused.
 */
export function parseAllowList(text: string): string[] {
  const entries: string[] = [];
  for (const entry of allowListEntries(text)) {
    if (!isValidAllowEntry(entry)) throw invalidAllowEntry(entry);
    if (!entries.includes(entry)) entries.push(entry);
  }
  return entries;
}

/** The entries of an allow-list as written, unchecked (to point at the bad ones). */
export function allowListEntries(text: string): string[] {
  return text.split(/[\s,]+/).filter((entry) => entry !== '');
}

const SEEN_LIMIT = 1000;

/** A compiled allow-list; an empty list allows no address (the source's default). */
export class IpAllowList {
  private readonly list = new BlockList();

  constructor(readonly entries: readonly string[]) {
    for (const entry of entries) {
      const [address = '', prefix] = entry.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.list.addAddress(address, type);
      else this.list.addSubnet(address, Number(prefix), type);
    }
  }

  /** The answers for the addresses seen last: BlockList.check costs a SocketAddress per call. */
  private readonly seen = new Map<string, boolean>();

  allows(address: string): boolean {
    const known = this.seen.get(address);
    if (known !== undefined) return known;
    const plain = plainIp(address);
    const family = isIP(plain);
    const allowed = family !== 0 && this.list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
    if (this.seen.size >= SEEN_LIMIT) this.seen.clear();
    this.seen.set(address, allowed);
    return allowed;
  }
}

/** The allow-list of the first-run key: loopback only. */
export const LOOPBACK_ONLY: readonly string[] = ['127.0.0.0/8', '::1'];
