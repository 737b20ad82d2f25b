import { describe, expect, it } from 'vitest';
import { PlatformKeyStore, trustCertificate, trustPublicKey } from '../../../../src/adapters/wechatpay/v3/platform-key-store.js';
import { platformCert } from './platform-fixtures.js';
import { rsaPair } from './support.js';

const A = platformCert('5157F09EFDC096DE15EBE81A47057A7232F1B8E1', 2, '2025-01-01T00:00:00Z', '2026-04-01T00:00:00Z');
const B = platformCert('0AB3', 3, '2026-03-15T00:00:00Z', '2031-03-15T00:00:00Z');
const PUB = 'PUB_KEY_ID_0114232134912410000000000000';
const store = PlatformKeyStore.of([
  trustCertificate(A.certificate, 'configuredCertificate'),
  trustCertificate(B.certificate, 'downloadedCertificate'),
  trustPublicKey(PUB, rsaPair(0).publicKey),
]);
const at = (iso: string) => new Date(iso);

describe('PlatformKeyStore', () => {
  it('lists known serials as the certificates spell them (Node pads hex to whole bytes)', () => {
    expect(store.serials()).toEqual(['5157F09EFDC096DE15EBE81A47057A7232F1B8E1', '0AB3', PUB].sort());
    expect(PlatformKeyStore.EMPTY.isEmpty).toBe(true);
    expect(store.isEmpty).toBe(false);
  });

  it('finds hex serials whatever their case and leading zeros; public key IDs exactly', () => {
    const keys = store.keysAt(at('2026-03-20T00:00:00Z'));
    expect(keys.keyFor(A.serial)).toBeDefined();
    expect(keys.keyFor('5157f09efdc096de15ebe81a47057a7232f1b8e1')).toBe(keys.keyFor(A.serial));
    expect(keys.keyFor('00ab3')).toBeDefined();
    expect(keys.keyFor(PUB)).toBe(rsaPair(0).publicKey);
    expect(keys.keyFor(PUB.toLowerCase())).toBeUndefined();
    expect(keys.keyFor('not a serial')).toBeUndefined();
  });

  it('offers a certificate only within its validity period; public keys always', () => {
    expect(store.keysAt(at('2026-03-01T00:00:00Z')).keyFor(B.serial)).toBeUndefined();
    expect(store.keysAt(at('2026-03-15T00:00:00Z')).keyFor(B.serial)).toBeDefined();
    expect(store.keysAt(at('2026-04-01T00:00:01Z')).keyFor(A.serial)).toBeUndefined();
    expect(store.keysAt(at('2099-01-01T00:00:00Z')).keyFor(PUB)).toBeDefined();
  });

  it('names the certificates that expire within N days, for refresh before expiry', () => {
    const now = at('2026-03-20T00:00:00Z');
    expect(store.expiringWithin(7, now)).toEqual([]);
    expect(store.expiringWithin(12, now).map((k) => k.serial)).toEqual([A.serial]);
    expect(
      store
        .expiringWithin(365 * 10, now)
        .map((k) => k.serial)
        .sort(),
    ).toEqual([A.serial, '0AB3'].sort());
    expect(store.expiringWithin(30, at('2026-05-01T00:00:00Z'))).toEqual([]); // A has already expired
  });

  it('is immutable: with() and withoutExpired() return new stores', () => {
    const later = store.withoutExpired(at('2026-05-01T00:00:00Z'));
    expect(later.serials()).toEqual(['0AB3', PUB].sort());
    expect(store.serials()).toHaveLength(3);
    const replaced = store.with([{ ...trustPublicKey(PUB, rsaPair(1).publicKey) }]);
    expect(replaced.entry(PUB)?.key).toBe(rsaPair(1).publicKey);
    expect(store.entry(PUB)?.key).toBe(rsaPair(0).publicKey);
    expect(store.with([{ serial: 'bad serial', key: rsaPair(1).publicKey, origin: 'configuredPublicKey' }]).serials()).toHaveLength(3);
  });
});
