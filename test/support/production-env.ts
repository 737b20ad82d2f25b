import { randomBytes } from 'node:crypto';
import { merchantCertificate } from './merchant-certificates.js';

/** A merchant id that is neither WeChat's sample merchant nor the one in its documentation. */
export const PRODUCTION_MCH_ID = '1900012345';

/**
 * A complete, valid production configuration for API v2 (NODE_ENV=production, real WeChat Pay): fresh random secrets,
 * a merchant certificate for the merchant, a notify URL on a real-looking domain, the service on loopback.
 */
export function productionEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const certificate = merchantCertificate({ cn: PRODUCTION_MCH_ID });
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    WECHAT_GATEWAY: 'wechat',
    WECHAT_APPID: `wx${randomBytes(8).toString('hex')}`,
    WECHAT_APP_SECRET: randomBytes(16).toString('hex'),
    WECHAT_MCH_ID: PRODUCTION_MCH_ID,
    WECHAT_API_KEY: randomBytes(16).toString('hex'),
    WECHAT_NOTIFY_URL: 'https://pay.shop-under-test.cn/wechat/pay-notify',
    WECHAT_CERT_PEM: certificate.certPath,
    WECHAT_KEY_PEM: certificate.keyPath,
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    ...overrides,
  };
}
