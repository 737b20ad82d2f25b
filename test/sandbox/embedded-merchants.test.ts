import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEmbeddedSandbox, type EmbeddedSandboxOptions } from '../../src/sandbox/index.js';
import { ManualClock } from '../support/doubles/manual-clock.js';

const merchant = { appId: 'wxd930ea5d5a258f4f', mchId: '10000100', apiKey: '192006250b4c09247ec02edce69f6a2d', appSecret: 'secret' };

function options(dataDir: string): EmbeddedSandboxOptions {
  return {
    dataDir,
    merchant,
    clock: new ManualClock(),
    signatureClock: new ManualClock(),
    timeScale: 1,
    v3Keys: false,
    simulator: true,
    log: () => undefined,
    merchants: [{ mchId: '1900000200', appIds: ['wx2000000000000001'], apiKey: 'northApiKey0123456789abcdefABCDE', v3Keys: true }],
    providers: [
      {
        spMchId: '1900000300',
        spAppId: 'wx3000000000000000',
        v3Keys: true,
        subMerchants: [{ subMchId: '1900000311', subAppIds: ['wx3100000000000001'] }],
      },
    ],
    miniPrograms: [{ appId: 'wx2000000000000001', appSecret: 'north-secret' }],
  };
}

describe('the embedded sandbox with several merchants (the merchants file in sandbox mode)', () => {
  it('generates each merchant’s and provider’s API v3 keys once, by mch_id, and a restart keeps them', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-embedded-merchants-'));
    const first = openEmbeddedSandbox(options(dataDir));
    first.close();
    expect([...first.v3Identities.keys()].sort()).toEqual(['1900000200', '1900000300']);
    expect(first.v3Identity).toBeUndefined();
    expect(
      readdirSync(dataDir)
        .filter((f) => f.startsWith('wechatpay-v3-sandbox-'))
        .sort(),
    ).toEqual(['wechatpay-v3-sandbox-1900000200.json', 'wechatpay-v3-sandbox-1900000300.json']);
    const north = first.v3Identities.get('1900000200');
    const acme = first.v3Identities.get('1900000300');
    expect(north?.apiV3Key).not.toBe(acme?.apiV3Key);

    const second = openEmbeddedSandbox(options(dataDir));
    try {
      expect(second.v3Identities.get('1900000200')).toEqual(north);
      expect(second.v3Identities.get('1900000300')).toEqual(acme);
      const accounts = second.simulator?.accounts;
      expect(accounts?.get('1900000300')?.subMerchants.get('1900000311')).toEqual(new Set(['wx3100000000000001']));
      expect(accounts?.get('1900000200')?.v3Keys?.apiV3Key).toBe(north?.apiV3Key);
    } finally {
      second.close();
    }
  });
});
