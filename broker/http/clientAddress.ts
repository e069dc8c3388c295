import { isIPv4, isIPv6 } from 'node:net';
import type { Request } from 'express';

/**
 * The address a rate limit counts a request against: Express's `req.ip`, which is the socket's own
 * address unless TRUST_PROXY names the reverse proxies in front (then the client X-Forwarded-For names
 * as the last hop before them; behind a proxy every socket is the proxy's).
 */
export function clientAddress(req: Request): string {
  return addressKey(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}

/**
 * One key per party that can be told apart. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, what a
 * dual-stack listener reports for IPv4 clients) is that IPv4 address. An IPv6 address is its /64: one
 * subscriber usually holds a whole /64 and can pick a new address in it for every request.
 */
export function addressKey(address: string): string {
  const bare = address.replace(/%.*$/, '').toLowerCase(); // a zone index (fe80::1%eth0) names no other party
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return address;
  const groups = ipv6Groups(bare);
  const mapped = mappedIpv4(groups);
  if (mapped) return mapped;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, `::` expanded and a dotted IPv4 tail converted. */
function ipv6Groups(address: string): number[] {
  let text = address;
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = parse(rest);
  const zeros = rest === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}

/** `::ffff:c000:201` is 192.0.2.1 too. */
function mappedIpv4(groups: number[]): string | undefined {
  if (groups.slice(0, 5).some((g) => g !== 0) || groups[5] !== 0xffff) return undefined;
  const [hi, lo] = [groups[6]!, groups[7]!];
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
}
