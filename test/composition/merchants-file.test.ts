import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, CONFIG_VARIABLES, loadConfig } from '../../src/composition/config.js';
import { configuredSecrets } from '../../src/composition/logging.js';
import { parseMerchantsFile, readMerchantsFile } from '../../src/composition/settings/merchants-file.js';
import { generateSandboxIdentity, type SandboxIdentity } from '../../src/sandbox/identity/sandbox-identity.js';
import { merchantIdentities, NORTH_API_KEY, threeShops, THREE_SHOPS_ENV, writeMerchantsFolder } from '../support/merchants-files.js';

const clone = () => structuredClone(threeShops()) as ReturnType<typeof threeShops> & Record<string, unknown>;

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const fileProblems = (json: unknown, live = false): string[] => {
  const parsed = parseMerchantsFile(json, live);
  return parsed.ok ? [] : parsed.error;
};

/**
 * north and east as a real deployment names them (production refuses the example's ids): own mch ids and appids, and
 * east's keys generated for its own mch id (written over the folder's east_*.pem by writeMerchantsFolder's caller).
 */
let ownEast: SandboxIdentity | undefined;
function ownShops() {
  ownEast ??= generateSandboxIdentity({ mchId: '1234567810', merchantName: 'east', now: new Date(Date.now() - 86_400_000) });
  const shops = clone();
  const [north, east] = shops.merchants as unknown as [Record<string, unknown>, Record<string, unknown>];
  const v3 = east.v3 as Record<string, unknown>;
  return {
    publicBaseUrl: 'https://pay.own-shop.cn',
    merchants: [
      { ...north, mchId: '1234567809' },
      {
        ...east,
        mchId: '1234567810',
        v3: {
          ...v3,
          privateKey: 'file:keys/own_east_key.pem',
          merchantCertificate: 'file:keys/own_east_cert.pem',
          merchantSerialNo: ownEast.merchant.serialNo,
          wechatpayPublicKey: { id: ownEast.wechatpayPublicKey.id, key: 'file:keys/own_east_pub.pem' },
        },
      },
    ],
    miniPrograms: [
      { ...shops.miniPrograms[0], appId: 'wx12345678abcdef01' },
      { ...shops.miniPrograms[1], appId: 'wx12345678abcdef02' },
    ],
  };
}

/** writeMerchantsFolder, with ownShops's east keys beside the others. */
function writeOwnShopsFolder(): string {
  const path = writeMerchantsFolder(ownShops());
  const keys = join(dirname(path), 'keys');
  writeFileSync(join(keys, 'own_east_key.pem'), ownEast!.merchant.privateKeyPem);
  writeFileSync(join(keys, 'own_east_cert.pem'), ownEast!.merchant.certificatePem);
  writeFileSync(join(keys, 'own_east_pub.pem'), ownEast!.wechatpayPublicKey.publicKeyPem);
  return path;
}

describe('MERCHANTS_FILE: three shops (v2 direct, v3 direct with the public key, v3 partner)', () => {
  it('reads every merchant and mini-program, resolving env: and file: references (relative to the file)', () => {
    const path = writeMerchantsFolder(threeShops());
    const config = loadConfig({ MERCHANTS_FILE: path, ...THREE_SHOPS_ENV });
    const { merchants, miniPrograms, publicBaseUrl, source } = config.merchants;
    expect(source).toEqual({ kind: 'file', path });
    expect(publicBaseUrl).toBe('https://pay.shop.test');
    expect(merchants.map((m) => [m.id, m.mode, m.apiVersion, m.appId, m.mchId, m.subMchId, m.problems])).toEqual([
      ['north', 'direct', 'v2', 'wx1111111111111111', '1900000109', undefined, []],
      ['east', 'direct', 'v3', 'wx2222222222222222', '1900000110', undefined, []],
      ['south', 'partner', 'v3', 'wx3333333333333333', '1900000100', '1900000111', []],
    ]);
    const [north, east, south] = merchants;
    expect(north?.credentials?.v2).toMatchObject({ apiKey: NORTH_API_KEY, signType: 'HMAC-SHA256', refundsEnabled: true });
    expect(east?.credentials?.v3?.credentials?.wechatpayPublicKey?.id).toBe(merchantIdentities().east.wechatpayPublicKey.id);
    expect(east?.credentials?.v3?.credentials?.apiV3Key.toString()).toBe(THREE_SHOPS_ENV.EAST_APIV3_KEY);
    expect(south?.provider).toEqual({ id: 'acme', name: 'Acme 服务商', spMchId: '1900000100', spAppId: 'wx00000000000000a0' });
    expect(south?.credentials?.v3?.credentials?.mchId).toBe('1900000100');
    expect(north?.notifyUrl).toBe('https://pay.shop.test/wechat/pay-notify/north');
    expect(south?.refundNotifyUrl).toBe('https://pay.shop.test/wechat/refund-notify/south');
    expect(miniPrograms.map((p) => [p.appId, p.merchantId, p.appSecret, p.default])).toEqual([
      ['wx1111111111111111', 'north', 'north-app-secret', true],
      ['wx2222222222222222', 'east', 'east-app-secret', false],
      ['wx3333333333333333', 'south', 'south-app-secret', false],
    ]);
    // The default mini-program's identity is what the environment-only parts (login, the simulator) see.
    expect(config.wechat).toMatchObject({ appId: 'wx1111111111111111', mchId: '1900000109', apiKey: NORTH_API_KEY });
    expect(config.apiVersion).toBe('v2');
  });

  it('hands every secret it resolved to the log scrubber', () => {
    const config = loadConfig({ MERCHANTS_FILE: writeMerchantsFolder(threeShops()), ...THREE_SHOPS_ENV });
    expect(configuredSecrets(config)).toEqual(
      expect.arrayContaining([
        NORTH_API_KEY,
        THREE_SHOPS_ENV.EAST_APIV3_KEY,
        THREE_SHOPS_ENV.ACME_APIV3_KEY,
        'north-app-secret',
        'east-app-secret',
      ]),
    );
  });

  it('is one of the variables the service reads (.env.example and the README list them)', () => {
    expect(CONFIG_VARIABLES).toContain('MERCHANTS_FILE');
  });

  it('marks a merchant whose credentials fail unavailable, with why, and keeps the others', () => {
    const path = writeMerchantsFolder(threeShops());
    const { NORTH_API_KEY: _unset, ...env } = THREE_SHOPS_ENV;
    writeFileSync(join(dirname(path), 'keys', 'acme_pub.pem'), merchantIdentities().acme.merchant.certificatePem);
    const { merchants } = loadConfig({ MERCHANTS_FILE: path, ...env }).merchants;
    const [north, east, south] = merchants;
    expect(north?.credentials).toBeUndefined();
    expect(north?.problems).toEqual(['merchants[0].v2.apiKey: env:NORTH_API_KEY is not set']);
    expect(east?.problems).toEqual([]);
    expect(south?.credentials).toBeUndefined();
    expect(south?.problems.join('\n')).toMatch(/^provider acme: providers\[0\]\.v3: wechatpayPublicKey/);
  });

  it('checks each merchant as the single-merchant variables are: a certificate of another merchant, a short APIv3 key, a missing file', () => {
    const shops = clone();
    // east's certificate is acme's: its CN, its key and its serial differ.
    (shops.merchants[1] as { v3: { merchantCertificate: string } }).v3.merchantCertificate = 'file:keys/acme_cert.pem';
    (shops.providers[0] as { v3: { privateKey: string } }).v3.privateKey = 'file:keys/missing.pem';
    const path = writeMerchantsFolder(shops);
    const { merchants } = loadConfig({ MERCHANTS_FILE: path, ...THREE_SHOPS_ENV, EAST_APIV3_KEY: 'short' }).merchants;
    const east = merchants[1]?.problems.join('\n') ?? '';
    expect(east).toContain('merchants[1].v3: merchantSerialNo');
    expect(east).toContain('merchantCertificate does not belong to privateKey');
    expect(east).toContain('not to mchId 1900000110');
    expect(east).toContain('apiV3Key must be exactly 32 bytes (it has 5)');
    expect(east).not.toContain('short');
    expect(merchants[2]?.problems.join('\n')).toMatch(
      /providers\[0\]\.v3\.privateKey: file:keys\/missing\.pem \(.*missing\.pem\): no such file/,
    );
  });

  it("in production, holds the file's secrets to the variables' rule: no placeholder, sample or guessable key", () => {
    const path = writeOwnShopsFolder();
    const env = {
      ...THREE_SHOPS_ENV,
      NORTH_API_KEY: '192006250b4c09247ec02edce69f6a2d',
      EAST_APIV3_KEY: 'a'.repeat(32),
      NORTH_APP_SECRET: 'replace-me',
    };
    const read = readMerchantsFile(path, { env, now: new Date(), live: false, production: true });
    if (!read.ok) throw new Error(read.error.join('\n'));
    const [north, east] = read.value.merchants;
    expect(north?.problems).toEqual([
      expect.stringMatching(/^merchants\[0\]\.v2\.apiKey: env:NORTH_API_KEY is a placeholder or a published sample value/),
    ]);
    expect(east?.problems).toEqual([expect.stringMatching(/^merchants\[1\]\.v3\.apiV3Key: env:EAST_APIV3_KEY too easy to guess/)]);
    expect(read.value.miniPrograms[0]?.problems).toEqual([
      expect.stringMatching(/^miniPrograms\[0\]\.appSecret: env:NORTH_APP_SECRET is a placeholder/),
    ]);
    expect(read.value.miniPrograms[0]?.appSecret).toBeUndefined();
    expect(JSON.stringify(read.value.merchants.map((m) => m.problems))).not.toContain('192006250b4c09247ec02edce69f6a2d');
  });

  it('in production, refuses the whole file when it names a sample identity or a documentation domain, each by JSON path', () => {
    const path = writeMerchantsFolder(threeShops());
    const read = readMerchantsFile(path, { env: THREE_SHOPS_ENV, now: new Date(), live: false, production: true });
    const own = "is WeChat's sample merchant or an example of this project (.env.example, examples/merchants); set your own";
    expect(read).toEqual({
      ok: false,
      error: [
        'MERCHANTS_FILE publicBaseUrl: names a documentation domain; set your own (pay.shop.test)',
        `MERCHANTS_FILE providers[0].spMchId: 1900000100 ${own}`,
        `MERCHANTS_FILE providers[0].spAppId: wx00000000000000a0 ${own}`,
        `MERCHANTS_FILE merchants[0].mchId: 1900000109 ${own}`,
        `MERCHANTS_FILE merchants[1].mchId: 1900000110 ${own}`,
        `MERCHANTS_FILE merchants[2].subMchId: 1900000111 ${own}`,
        `MERCHANTS_FILE miniPrograms[0].appId: wx1111111111111111 ${own}`,
        `MERCHANTS_FILE miniPrograms[1].appId: wx2222222222222222 ${own}`,
        `MERCHANTS_FILE miniPrograms[2].appId: wx3333333333333333 ${own}`,
      ],
    });
    // WeChat's sample merchant (the sandbox's own), a direct merchant's appId and notify URLs likewise.
    const shops = clone();
    Object.assign(shops.merchants[0] as object, {
      mchId: '10000100',
      appId: 'wxd930ea5d5a258f4f',
      notifyUrl: 'https://pay.example.com/wechat/pay-notify/north',
    });
    expect(fileProblems(shops, false)).toEqual([]);
    const production = parseMerchantsFile(shops, false, true);
    expect(production.ok ? [] : production.error).toEqual(
      expect.arrayContaining([
        `merchants[0].mchId: 10000100 ${own}`,
        `merchants[0].appId: wxd930ea5d5a258f4f ${own}`,
        'merchants[0].notifyUrl: names a documentation domain; set your own (pay.example.com)',
      ]),
    );
    // Outside production, the example is what the sandbox runs.
    expect(readMerchantsFile(path, { env: THREE_SHOPS_ENV, now: new Date(), live: false, production: false }).ok).toBe(true);
  });

  it('checks a v2 merchant API certificate: CN = mch_id', () => {
    const shops = clone();
    (shops.merchants[0] as { v2: object }).v2 = {
      apiKey: 'env:NORTH_API_KEY',
      certificate: { certPem: 'file:keys/east_cert.pem', keyPem: 'file:keys/east_key.pem' },
    };
    const path = writeMerchantsFolder(shops);
    const north = loadConfig({ MERCHANTS_FILE: path, ...THREE_SHOPS_ENV }).merchants.merchants[0];
    expect(north?.problems).toEqual(['merchants[0].v2.certificate: the certificate is for merchant 1900000110, not mch_id 1900000109']);
  });
});

describe('MERCHANTS_FILE: refusals, every one at once, named by JSON path', () => {
  it('refuses inline secrets and key material', () => {
    const shops = clone();
    (shops.merchants[0] as { v2: { apiKey: string } }).v2.apiKey = NORTH_API_KEY;
    (shops.miniPrograms[0] as { appSecret: string }).appSecret = 'plain';
    (shops.providers[0] as { v3: { privateKey: string } }).v3.privateKey = '-----BEGIN PRIVATE KEY-----';
    const found = fileProblems(shops);
    expect(found).toEqual([
      expect.stringMatching(/^providers\[0\]\.v3\.privateKey: must be a reference, "env:NAME" or "file:path"/),
      expect.stringMatching(/^merchants\[0\]\.v2\.apiKey: must be a reference/),
      expect.stringMatching(/^miniPrograms\[0\]\.appSecret: must be a reference/),
    ]);
    expect(found.join('\n')).not.toContain(NORTH_API_KEY);
  });

  it('refuses a wrong shape: unknown keys, numbers for mch ids, bad ids, a missing API block, an unknown mode', () => {
    const shops = clone();
    Object.assign(shops, { extra: 1 });
    Object.assign(shops.merchants[0] as object, { mchId: 1900000109 });
    Object.assign(shops.merchants[1] as object, { id: 'East Shop', v3: undefined });
    Object.assign(shops.merchants[2] as object, { mode: 'proxy' });
    Object.assign(shops.miniPrograms[1] as object, { appId: 'wx123' });
    expect(fileProblems(shops)).toEqual([
      'merchants[0].mchId: Expected string, received number',
      'merchants[1].id: must be 1 to 32 characters of a-z, 0-9 and -',
      'merchants[1].v3: is required: apiVersion is v3',
      'merchants[2].mode: must be "direct" or "partner"',
      'miniPrograms[1].appId: must be an AppID: "wx" and 16 hex digits',
      "(top level): Unrecognized key(s) in object: 'extra'",
    ]);
  });

  it('refuses duplicates and dangling references; wants exactly one default mini-program', () => {
    const shops = clone();
    Object.assign(shops.merchants[1] as object, { id: 'north', mchId: '1900000109' });
    shops.merchants.push({ id: 'west', name: 'W', mode: 'partner', provider: 'nobody', subMchId: '1900000111' });
    Object.assign(shops.miniPrograms[1] as object, { merchant: 'ghost', default: true });
    Object.assign(shops.miniPrograms[2] as object, { appId: 'wx1111111111111111' });
    expect(fileProblems(shops)).toEqual([
      "merchants[1].id: id north is already merchants[0].id's",
      "merchants[1].mchId: direct mch id 1900000109 is already merchants[0].mchId's",
      "merchants[3].subMchId: sub mch id 1900000111 is already merchants[2].subMchId's",
      "miniPrograms[2].appId: appId wx1111111111111111 is already miniPrograms[0].appId's",
      'merchants[3].provider: no provider nobody in providers',
      'merchants[3]: no mini-program (sub_appid) sells through west; bind one to it',
      'miniPrograms[1].merchant: no merchant ghost in merchants',
      'miniPrograms: exactly one must be "default": true (the seed\'s paths serve it); [0], [1] are',
    ]);
    const none = clone();
    Object.assign(none.miniPrograms[0] as object, { default: false });
    expect(fileProblems(none)).toEqual(['miniPrograms: exactly one must be "default": true (the seed\'s paths serve it); none is']);
  });

  it('takes "retired": true on a merchant (its credentials still checked) and a mini-program, but never on the default one', () => {
    const shops = clone();
    Object.assign(shops.merchants[1] as object, { retired: true });
    Object.assign(shops.miniPrograms[1] as object, { retired: true });
    Object.assign(shops.miniPrograms[2] as object, { retired: true });
    const path = writeMerchantsFolder(shops);
    // east's credentials are still read and checked: its orders are refunded with them.
    const broken = loadConfig({ MERCHANTS_FILE: path, ...THREE_SHOPS_ENV, EAST_APIV3_KEY: 'short' }).merchants;
    expect(broken.merchants[1]?.problems.join('\n')).toContain('apiV3Key must be exactly 32 bytes');
    const { merchants, miniPrograms } = loadConfig({ MERCHANTS_FILE: path, ...THREE_SHOPS_ENV }).merchants;
    expect(merchants.map((m) => [m.id, m.retired === true, m.problems, m.credentials !== undefined])).toEqual([
      ['north', false, [], true],
      ['east', true, [], true],
      ['south', false, [], true],
    ]);
    // A retired mini-program is still its merchant's (the appid its notices and answers name).
    expect(merchants[1]?.appIds).toEqual(['wx2222222222222222']);
    expect(merchants[2]?.appId).toBe('wx3333333333333333');
    expect(miniPrograms.map((p) => [p.appId, p.retired === true])).toEqual([
      ['wx1111111111111111', false],
      ['wx2222222222222222', true],
      ['wx3333333333333333', true],
    ]);

    const wrong = clone();
    Object.assign(wrong.merchants[0] as object, { retired: 'yes' });
    Object.assign(wrong.miniPrograms[0] as object, { retired: true });
    Object.assign(wrong.miniPrograms[1] as object, { retired: 1 });
    expect(fileProblems(wrong)).toEqual([
      'merchants[0].retired: Expected boolean, received string',
      'miniPrograms[1].retired: Expected boolean, received number',
    ]);
    const defaultRetired = clone();
    Object.assign(defaultRetired.miniPrograms[0] as object, { retired: true });
    expect(fileProblems(defaultRetired)).toEqual(['miniPrograms[0].retired: the default mini-program cannot be retired']);
    // A mini-program that is not retired may stay bound to a retired merchant (it sells nothing: its prepays answer 503).
    const sellingThroughRetired = clone();
    Object.assign(sellingThroughRetired.merchants[0] as object, { retired: true });
    expect(fileProblems(sellingThroughRetired)).toEqual([]);
  });

  it('for real WeChat Pay wants https notify URLs it can name', () => {
    const shops = clone();
    delete (shops as { publicBaseUrl?: string }).publicBaseUrl;
    Object.assign(shops.merchants[1] as object, { notifyUrl: 'http://pay.shop.test/n' });
    expect(fileProblems(shops, true)).toEqual([
      'merchants[0].v2.certificate: refunds over API v2 need the merchant API certificate; give it, or "refunds": "disabled"',
      'merchants[0].notifyUrl: is required when WECHAT_GATEWAY=wechat and publicBaseUrl is not set',
      'merchants[1].notifyUrl: must be https for real WeChat Pay',
      'merchants[2].notifyUrl: is required when WECHAT_GATEWAY=wechat and publicBaseUrl is not set',
    ]);
  });

  it('refuses a missing file, a file that is not JSON, and the single-merchant variables beside it, with the service problems', () => {
    expect(problems({ MERCHANTS_FILE: '/nonexistent/merchants.json' })).toContain(
      'MERCHANTS_FILE /nonexistent/merchants.json: no such file',
    );
    const notJson = writeMerchantsFolder('{ merchants: [ }');
    expect(problems({ MERCHANTS_FILE: notJson })).toMatch(/MERCHANTS_FILE .*merchants\.json: not JSON/);
    const path = writeMerchantsFolder(threeShops());
    const message = problems({
      MERCHANTS_FILE: path,
      ...THREE_SHOPS_ENV,
      WECHAT_APPID: 'wx1111111111111111',
      WECHAT_API_KEY: 'x',
      PORT: 'eighty',
    });
    expect(message).toContain(
      'MERCHANTS_FILE: configures every merchant; unset the single-merchant variables beside it (WECHAT_APPID, WECHAT_API_KEY)',
    );
    expect(message).toContain('PORT: must be an integer');
    // Where WeChat is reached and the server's own IP are not a merchant's: allowed beside the file.
    expect(() =>
      loadConfig({ MERCHANTS_FILE: path, ...THREE_SHOPS_ENV, WECHAT_BASE_URL: 'http://127.0.0.1:9', WECHAT_SERVER_IP: '203.0.113.9' }),
    ).not.toThrow();
  });
});

describe('without MERCHANTS_FILE: the same structure, one merchant `default` and one default mini-program', () => {
  it("reads today's variables into it, exactly as the single-merchant settings", () => {
    const config = loadConfig({});
    expect(config.merchants).toEqual({
      source: { kind: 'environment' },
      merchants: [
        {
          id: 'default',
          name: 'default',
          mode: 'direct',
          apiVersion: 'v2',
          appId: config.wechat.appId,
          appIds: [config.wechat.appId],
          mchId: config.wechat.mchId,
          credentials: { v2: { apiKey: config.wechat.apiKey, signType: 'MD5', refundsEnabled: true } },
          problems: [],
        },
      ],
      miniPrograms: [
        {
          appId: config.wechat.appId,
          name: 'default',
          merchantId: 'default',
          appSecret: config.wechat.appSecret,
          default: true,
          problems: [],
        },
      ],
    });
    const live = loadConfig({
      WECHAT_GATEWAY: 'wechat',
      WECHAT_APPID: 'wx5f3c2a9b7d1e4086',
      WECHAT_APP_SECRET: 's',
      WECHAT_MCH_ID: '1612345678',
      WECHAT_API_KEY: 'a'.repeat(32),
      WECHAT_REFUNDS: 'disabled',
      SESSION_SECRET: 's'.repeat(32),
      WECHAT_NOTIFY_URL: 'https://shop.example/wechat/pay-notify',
    });
    expect(live.merchants.merchants[0]).toMatchObject({
      appId: 'wx5f3c2a9b7d1e4086',
      mchId: '1612345678',
      notifyUrl: 'https://shop.example/wechat/pay-notify',
      credentials: { v2: { refundsEnabled: false } },
    });
  });
});
