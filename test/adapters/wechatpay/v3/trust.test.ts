import { describe, expect, it } from 'vitest';
import type { DownloadAnswer } from '../../../../src/adapters/wechatpay/v3/certificate-download.js';
import { MIN_REFRESH_GAP_MS, REFRESH_INTERVAL_MS, V3Trust, type TrustEvent } from '../../../../src/adapters/wechatpay/v3/trust.js';
import { ManualClock } from '../../../support/doubles/manual-clock.js';
import { API_V3_KEY, NOW, downloadBody, platformCert, signedDownload } from './platform-fixtures.js';
import { rsaPair } from './support.js';

const anchor = platformCert('5157F09EFDC096DE15EBE81A47057A7232F1B8E1', 0);
const rotated = platformCert('3E1F2D2C3B4A59687766554433221100FFEEDDCC', 1, '2026-02-01T00:00:00Z', '2031-02-01T00:00:00Z');

function trustWith(downloads: (() => DownloadAnswer)[], anchors = [anchor.certificate], bootstrap: 'refuse' | 'apiv3Key' = 'refuse') {
  const clock = new ManualClock(NOW);
  const events: TrustEvent[] = [];
  const trust = new V3Trust({ platformCertificates: { anchors, bootstrap, apiV3Key: Buffer.from(API_V3_KEY) } }, clock, (e) =>
    events.push(e),
  );
  let calls = 0;
  trust.attachDownloader(async () => {
    const next = downloads[calls++] ?? downloads.at(-1);
    if (!next) throw new Error('no download scripted');
    return next();
  });
  return { trust, clock, events, calls: () => calls };
}

const both = downloadBody([anchor, rotated]);

describe('V3Trust in platform-certificate mode', () => {
  it('learns a rotated certificate from a download signed by the anchor, and asks for answers signed with the anchor', async () => {
    const { trust, events } = trustWith([() => signedDownload(both, anchor.keys, anchor.serial)]);
    expect(trust.requestSerial()).toBe(anchor.serial);
    expect(trust.keys().keyFor(rotated.serial)).toBeUndefined();
    expect(await trust.learn(rotated.serial)).toBe(true);
    expect(trust.keys().keyFor(rotated.serial)).toBeDefined();
    expect(events).toMatchObject([{ type: 'certificates.refreshed', added: [rotated.serial], trustedBy: 'storedKey' }]);
    expect(trust.requestSerial()).toBe(rotated.serial); // valid longest
  });

  it('never trusts a certificate on the word of the answer that carries it (signed by the new one)', async () => {
    const { trust, events } = trustWith([() => signedDownload(both, rotated.keys, rotated.serial)]);
    expect(await trust.learn(rotated.serial)).toBe(false);
    expect(events).toMatchObject([{ type: 'certificates.refused', reason: 'untrustedSigner' }]);
  });

  it('downloads at most once a minute however many unknown serials arrive', async () => {
    const { trust, clock, calls } = trustWith([() => signedDownload(downloadBody([anchor]), anchor.keys, anchor.serial)]);
    for (let i = 0; i < 20; i++) expect(await trust.learn(`ABCDEF${String(i).padStart(4, '0')}`)).toBe(false);
    expect(calls()).toBe(1);
    clock.advance(MIN_REFRESH_GAP_MS);
    await trust.learn('ABCDEF9999');
    expect(calls()).toBe(2);
  });

  it('refreshes before first use and every 12 hours; a failed download keeps the keys it had', async () => {
    const { trust, clock, calls, events } = trustWith([
      () => signedDownload(both, anchor.keys, anchor.serial),
      () => {
        throw new Error('connect ECONNREFUSED');
      },
    ]);
    await trust.ensureFresh();
    await trust.ensureFresh();
    expect(calls()).toBe(1);
    clock.advance(REFRESH_INTERVAL_MS);
    await trust.ensureFresh();
    expect(calls()).toBe(2);
    expect(events.at(-1)).toMatchObject({ type: 'certificates.unreachable' });
    expect(trust.keys().keyFor(rotated.serial)).toBeDefined();
  });

  it('with the opt-in apiv3Key bootstrap and no anchor, trusts the first download because it decrypts under the APIv3 key', async () => {
    const { trust, events } = trustWith([() => signedDownload(both, rotated.keys, rotated.serial)], [], 'apiv3Key');
    expect(trust.requestSerial()).toBeUndefined();
    await trust.ensureFresh();
    expect(events).toMatchObject([{ type: 'certificates.refreshed', trustedBy: 'apiv3KeyBootstrap' }]);
    expect(trust.keys().keyFor(anchor.serial)).toBeDefined();
  });

  it('in public-key mode never downloads and names the public key ID', async () => {
    const clock = new ManualClock(NOW);
    const trust = new V3Trust({ publicKey: { id: 'PUB_KEY_ID_0110000100202601010000000001', key: rsaPair(2).publicKey } }, clock);
    trust.attachDownloader(() => Promise.reject(new Error('must not download')));
    await trust.ensureFresh();
    expect(await trust.learn('ABCDEF')).toBe(false);
    expect(trust.requestSerial()).toBe('PUB_KEY_ID_0110000100202601010000000001');
  });
});
