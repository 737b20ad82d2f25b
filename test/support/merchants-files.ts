import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOrm } from '../../src/adapters/persistence/orm.js';
import { generateSandboxIdentity, type SandboxIdentity } from '../../src/sandbox/identity/sandbox-identity.js';

export const NORTH_API_KEY = 'N0rthApiKey0123456789abcdefABCDE';
export const EAST_APIV3_KEY = 'EastApiV3Key0123456789abcdefABCD';
export const ACME_APIV3_KEY = 'AcmeApiV3Key0123456789abcdefABCD';

/** Generated once per test file: RSA keys take a moment. */
let identities: { east: SandboxIdentity; acme: SandboxIdentity } | undefined;
export function merchantIdentities() {
  const now = new Date(Date.now() - 86_400_000);
  identities ??= {
    east: generateSandboxIdentity({ mchId: '1900000110', merchantName: 'east', now }),
    acme: generateSandboxIdentity({ mchId: '1900000100', merchantName: 'acme', now }),
  };
  return identities;
}

/** The three shops of the plan: north (v2 direct), east (v3 direct, public key), south (v3 partner of acme). */
export function threeShops() {
  const { east, acme } = merchantIdentities();
  const v3 = (prefix: string, id: SandboxIdentity, apiV3KeyEnv: string) => ({
    privateKey: `file:keys/${prefix}_key.pem`,
    merchantSerialNo: id.merchant.serialNo,
    apiV3Key: `env:${apiV3KeyEnv}`,
    merchantCertificate: `file:keys/${prefix}_cert.pem`,
    wechatpayPublicKey: { id: id.wechatpayPublicKey.id, key: `file:keys/${prefix}_pub.pem` },
  });
  return {
    publicBaseUrl: 'https://pay.shop.test',
    providers: [
      {
        id: 'acme',
        name: 'Acme 服务商',
        spMchId: '1900000100',
        spAppId: 'wx00000000000000a0',
        apiVersion: 'v3',
        v3: v3('acme', acme, 'ACME_APIV3_KEY'),
      },
    ],
    merchants: [
      {
        id: 'north',
        name: '北区店',
        mode: 'direct',
        apiVersion: 'v2',
        mchId: '1900000109',
        v2: { apiKey: 'env:NORTH_API_KEY', signType: 'HMAC-SHA256' },
      },
      { id: 'east', name: '东区店', mode: 'direct', apiVersion: 'v3', mchId: '1900000110', v3: v3('east', east, 'EAST_APIV3_KEY') },
      { id: 'south', name: '南区店', mode: 'partner', provider: 'acme', subMchId: '1900000111' },
    ],
    miniPrograms: [
      { appId: 'wx1111111111111111', name: '北区商城', appSecret: 'env:NORTH_APP_SECRET', merchant: 'north', default: true },
      { appId: 'wx2222222222222222', name: '东区商城', appSecret: 'file:keys/east_app_secret', merchant: 'east' },
      { appId: 'wx3333333333333333', name: '南区商城', appSecret: 'env:SOUTH_APP_SECRET', merchant: 'south' },
    ],
  };
}

export const THREE_SHOPS_ENV = {
  NORTH_API_KEY,
  EAST_APIV3_KEY,
  ACME_APIV3_KEY,
  NORTH_APP_SECRET: 'north-app-secret',
  SOUTH_APP_SECRET: 'south-app-secret',
};

/** Writes `content` as merchants.json in a fresh folder with the shops' key files under keys/; returns its path. */
export function writeMerchantsFolder(content: unknown): string {
  const { east, acme } = merchantIdentities();
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-merchants-'));
  mkdirSync(join(dir, 'keys'));
  for (const [prefix, id] of [
    ['east', east],
    ['acme', acme],
  ] as const) {
    writeFileSync(join(dir, 'keys', `${prefix}_key.pem`), id.merchant.privateKeyPem);
    writeFileSync(join(dir, 'keys', `${prefix}_cert.pem`), id.merchant.certificatePem);
    writeFileSync(join(dir, 'keys', `${prefix}_pub.pem`), id.wechatpayPublicKey.publicKeyPem);
  }
  writeFileSync(join(dir, 'keys', 'east_app_secret'), 'east-app-secret\n');
  const path = join(dir, 'merchants.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

/** A v2 direct merchant whose API key is the environment's `<ID>_API_KEY`. */
export const directV2Merchant = (id: string, mchId: string, v2: Record<string, unknown> = {}) => ({
  id,
  name: id,
  mode: 'direct',
  apiVersion: 'v2',
  mchId,
  v2: { apiKey: `env:${id.toUpperCase()}_API_KEY`, ...v2 },
});

/** A mini-program of merchant `id`, its AppSecret the environment's `<ID>_APP_SECRET`. */
export const miniProgramOf = (appId: string, id: string, isDefault = false) => ({
  appId,
  name: id,
  appSecret: `env:${id.toUpperCase()}_APP_SECRET`,
  merchant: id,
  default: isDefault,
});

/**
 * Goods of a mini-program in a running service: created by the admin API (which sells for the default one), then
 * moved to that mini-program in the service's database (the admin API has no mini-program field).
 */
export async function goodsOfMiniProgram(
  service: { readonly baseUrl: string },
  adminToken: string,
  databaseUrl: string,
  appId: string,
): Promise<number> {
  const created = await fetch(`${service.baseUrl}/admin/goods`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `Course of ${appId}`, market_price: 1200, sale_price: 1200, online: true }),
  });
  const id = ((await created.json()) as { data: { id: number } }).data.id;
  const orm = await openOrm(databaseUrl);
  await orm.em.getConnection().execute('UPDATE shop_goods_info SET app_id = ? WHERE id = ?', [appId, id]);
  await orm.close(true);
  return id;
}
