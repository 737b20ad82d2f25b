import { isIP } from 'node:net';
import type { Request } from 'express';

/**
 * spbill_create_ip for unifiedorder. Express resolves X-Forwarded-For only as far as `trust proxy` allows, so a
 * client cannot choose its own address; IPv4-mapped IPv6 is unwrapped because WeChat expects the plain form.
 */
export function clientIpOf(req: Request): string {
  const raw = (req.ip ?? req.socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return isIP(raw) ? raw : '127.0.0.1';
}
