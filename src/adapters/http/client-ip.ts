import { isIP } from 'node:net';
import type { Request } from 'express';

/**
 * spbill_create_ip for unifiedorder. Express resolves X-Forwarded-For only as far as `trust proxy` allows, so a
 * client cannot choose its own address; IPv4-mapped IPv6 is unwrapped because WeChat expects the plain form.
 */
export function clientIpOf(req: Request): string {
  return plainIp(req.ip ?? req.socket.remoteAddress ?? '');
}

/** The same, for a request Express never saw: its address already resolved as `trust proxy` would (see forwardedIp). */
export function plainIp(address: string): string {
  const raw = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return isIP(raw) ? raw : '127.0.0.1';
}

/**
 * Express's `req.ip` with `trust proxy` set to a hop count: the socket's peer, then X-Forwarded-For from right to
 * left, trusting `hops` of them; the address after the last trusted hop is the client (proxy-addr's rule).
 */
export function forwardedIp(remoteAddress: string | undefined, forwardedFor: string | undefined, hops: number): string | undefined {
  const chain = [remoteAddress, ...rightToLeft(forwardedFor ?? '')];
  return chain[Math.min(hops, chain.length - 1)];
}

/** The `forwarded` package's reading of X-Forwarded-For, character for character: addresses from the right. */
function rightToLeft(header: string): string[] {
  const list: string[] = [];
  let start = header.length;
  let end = header.length;
  for (let i = header.length - 1; i >= 0; i--) {
    const c = header.charCodeAt(i);
    if (c === 0x20) {
      if (start === end) start = end = i;
    } else if (c === 0x2c) {
      if (start !== end) list.push(header.substring(start, end));
      start = end = i;
    } else {
      start = i;
    }
  }
  if (start !== end) list.push(header.substring(start, end));
  return list;
}
