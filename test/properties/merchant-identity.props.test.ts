import { fc, test } from '@fast-check/vitest';
import { Container } from 'inversify';
import { describe, expect } from 'vitest';
import { MerchantRegistry, type MerchantAccount } from '../../src/composition/merchant-registry.js';

/**
 * Merchants as a merchants file may hold them — direct ones, and partner ones sharing a provider's mch_id — from
 * small pools, so that notices often name a sibling's sub_mch_id or mini-program.
 */
const MCH_IDS = ['1900000100', '1900000200', '1900000300'];
const SUB_MCH_IDS = ['1900000111', '1900000112', '1900000113'];
const APP_IDS = ['wx01', 'wx02', 'wx03', 'wx04'];

const accountsArb = fc
  .uniqueArray(
    fc.record({
      mchId: fc.constantFrom(...MCH_IDS),
      subMchId: fc.option(fc.constantFrom(...SUB_MCH_IDS), { nil: undefined }),
      apps: fc.uniqueArray(fc.constantFrom(...APP_IDS), { minLength: 1, maxLength: 3 }),
    }),
    // One account per mch_id and sub_mch_id, as WeChat numbers them.
    { selector: (a) => `${a.mchId}/${a.subMchId ?? ''}`, maxLength: 6 },
  )
  .map((list) =>
    list.map(({ mchId, subMchId, apps }, i): MerchantAccount => ({
      id: `m${i}`,
      apiVersion: 'v3',
      mchId,
      appId: apps[0] as string,
      appIds: apps,
      ...(subMchId === undefined ? {} : { subMchId }),
    })),
  );

const noticeArb = fc.record({
  appId: fc.constantFrom(...APP_IDS),
  mchId: fc.constantFrom(...MCH_IDS),
  subMchId: fc.option(fc.constantFrom(...SUB_MCH_IDS), { nil: undefined }),
});

describe('Merchants.idOf', () => {
  test.prop([accountsArb, noticeArb])(
    'names the one merchant of that mch_id and sub_mch_id (or none) whose mini-programs include the appid, and no other',
    (accounts, notice) => {
      const id = new MerchantRegistry(new Container(), accounts).idOf(
        notice.subMchId === undefined ? { appId: notice.appId, mchId: notice.mchId } : notice,
      );
      const owner = accounts.find((a) => a.mchId === notice.mchId && a.subMchId === notice.subMchId);
      expect(id).toBe(owner && owner.appIds?.includes(notice.appId) ? owner.id : undefined);
    },
  );
});
