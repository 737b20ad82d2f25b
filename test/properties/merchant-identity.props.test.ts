import { fc, test } from '@fast-check/vitest';
import { Container } from 'inversify';
import { describe, expect } from 'vitest';
import { MerchantRegistry, type BuiltMerchant, type MerchantAccount } from '../../src/composition/merchant-registry.js';

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

/** A merchants-file merchant as the registry holds it once built (no gateway: idOf reads only the account). */
const built = (account: MerchantAccount): BuiltMerchant => ({ account, problems: [], expiries: [] });

describe('Merchants.idOf across reloads', () => {
  // Two files in turn: ids from one pool, so that a reload keeps some merchants, adds some and retires others, and a
  // retired merchant's mch_id may come back under another id.
  const fileArb = accountsArb.chain((accounts) =>
    fc
      .shuffledSubarray(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'], { minLength: accounts.length, maxLength: accounts.length })
      .map((ids) => accounts.map((a, i) => ({ ...a, id: ids[i] as string }))),
  );
  test.prop([fileArb, fileArb, fc.array(noticeArb, { minLength: 1, maxLength: 8 })])(
    'names the first configured merchant of that mch_id, sub_mch_id and appid, else the first retired one, after each reload',
    (before, after, notices) => {
      const registry = new MerchantRegistry(new Container(), before, before.map(built));
      registry.replace(after.map(built));
      const retired = before.filter((a) => !after.some((b) => b.id === a.id));
      for (const notice of notices) {
        const asked = notice.subMchId === undefined ? { appId: notice.appId, mchId: notice.mchId } : notice;
        const owner = [...after, ...retired].find(
          (a) => a.mchId === notice.mchId && a.subMchId === notice.subMchId && (a.appIds ?? [a.appId]).includes(notice.appId),
        );
        expect(registry.idOf(asked)).toBe(owner?.id);
      }
    },
  );
});
