import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  accountIdentityOf,
  directMerchantIds,
  MiniProgramApps,
  partnerMerchantIds,
} from '../../../../src/adapters/wechatpay/shared/partner.js';
import { WechatPayV2Gateway } from '../../../../src/adapters/wechatpay/v2/gateway.js';
import { WechatPayV3Gateway } from '../../../../src/adapters/wechatpay/v3/gateway.js';
import { V3Trust } from '../../../../src/adapters/wechatpay/v3/trust.js';
import { Container } from 'inversify';
import { MerchantRegistry, type MerchantAccount } from '../../../../src/composition/merchant-registry.js';
import { ManualClock } from '../../../support/doubles/manual-clock.js';

const ACME = { spAppId: 'wx00000000000000a0', spMchId: '1900000100' };
const clock = new ManualClock();

describe('MiniProgramApps', () => {
  it('answers the default for no appid, a configured one as it is, and refuses any other', () => {
    const apps = new MiniProgramApps('wx1', ['wx2']);
    expect([apps.of(undefined), apps.of('wx1'), apps.of('wx2')]).toEqual(['wx1', 'wx1', 'wx2']);
    expect(() => apps.of('wx3')).toThrow(RangeError);
    expect([apps.has('wx2'), apps.has('wx3'), apps.has(undefined)]).toEqual([true, false, false]);
  });
});

describe('the identity a merchants file gives a gateway and a verifier', () => {
  it('partner: the provider as appid/mch_id, the sub-merchant, the first mini-program as default sub_appid', () => {
    expect(partnerMerchantIds(ACME, '1900000111', ['wx1111111111111111', 'wx1111111111111112'])).toEqual({
      appId: ACME.spAppId,
      mchId: ACME.spMchId,
      partner: { subMchId: '1900000111', subAppId: 'wx1111111111111111' },
      appIds: ['wx1111111111111112'],
    });
    expect(() => partnerMerchantIds(ACME, '1900000111', [])).toThrow(RangeError);
  });

  it('direct: one mini-program gives exactly today’s config shape (no appIds)', () => {
    expect(directMerchantIds('1900000109', ['wx2421b1c4370ec43b'])).toEqual({ appId: 'wx2421b1c4370ec43b', mchId: '1900000109' });
    expect(directMerchantIds('1900000109', ['wxa', 'wxb'])).toEqual({ appId: 'wxa', mchId: '1900000109', appIds: ['wxb'] });
  });

  it('the registry identifies each of two partner merchants of one provider by its sub_mch_id, and a direct one by its mch_id', () => {
    const south = accountIdentityOf(partnerMerchantIds(ACME, '1900000111', ['wx1111111111111111', 'wx1111111111111112']));
    const west = accountIdentityOf(partnerMerchantIds(ACME, '1900000112', ['wx2222222222222222']));
    const north = accountIdentityOf(directMerchantIds('1900000109', ['wx2421b1c4370ec43b']));
    expect(south).toEqual({
      appId: 'wx1111111111111111',
      appIds: ['wx1111111111111111', 'wx1111111111111112'],
      mchId: ACME.spMchId,
      subMchId: '1900000111',
    });
    const accounts: MerchantAccount[] = [
      { id: 'south', apiVersion: 'v3', ...south },
      { id: 'west', apiVersion: 'v3', ...west },
      { id: 'north', apiVersion: 'v2', ...north },
    ];
    const registry = new MerchantRegistry(new Container(), accounts);
    expect(registry.idOf({ appId: 'wx1111111111111112', mchId: ACME.spMchId, subMchId: '1900000111' })).toBe('south');
    expect(registry.idOf({ appId: 'wx2222222222222222', mchId: ACME.spMchId, subMchId: '1900000112' })).toBe('west');
    expect(registry.idOf({ appId: 'wx2421b1c4370ec43b', mchId: '1900000109' })).toBe('north');
    // West's mini-program under south's sub_mch_id, the provider alone, a direct notice carrying a sub_mch_id: nobody.
    expect(registry.idOf({ appId: 'wx2222222222222222', mchId: ACME.spMchId, subMchId: '1900000111' })).toBeUndefined();
    expect(registry.idOf({ appId: 'wx1111111111111111', mchId: ACME.spMchId })).toBeUndefined();
    expect(registry.idOf({ appId: 'wx2421b1c4370ec43b', mchId: '1900000109', subMchId: '1900000111' })).toBeUndefined();
  });
});

describe('partner configuration problems', () => {
  const v2 = { apiKey: 'k'.repeat(32), signType: 'MD5' as const, notifyUrl: 'https://pay.example/n' };
  it.each([
    ['a sub_mch_id that is not digits', { subMchId: 'south', subAppId: 'wx1' }, /partner\.subMchId must be digits/],
    ['no default sub_appid', { subMchId: '1900000111', subAppId: '' }, /partner\.subAppId is required/],
  ])('v2 and v3 refuse %s', (_, partner, message) => {
    expect(() => new WechatPayV2Gateway({ appId: ACME.spAppId, mchId: ACME.spMchId, ...v2, partner }, { clock })).toThrow(message);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(
      () =>
        new WechatPayV3Gateway(
          {
            appId: ACME.spAppId,
            mchId: ACME.spMchId,
            partner,
            privateKey,
            merchantSerialNo: 'ABCDEF',
            apiV3Key: Buffer.alloc(32),
            notifyUrl: 'https://pay.example/n',
          },
          { clock, trust: new V3Trust({ publicKey: { id: 'PUB_KEY_ID_1', key: createPublicKey(privateKey) } }, clock) },
        ),
    ).toThrow(message);
  });
});
