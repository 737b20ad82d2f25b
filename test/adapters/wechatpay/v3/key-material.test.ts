import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadCertificate,
  loadPrivateKey,
  loadPublicKey,
  pemFromSetting,
  samePublicKey,
} from '../../../../src/adapters/wechatpay/v3/key-material.js';
import { FIXTURE_CERT_PATH, FIXTURE_KEY_PATH, fixtureCertPem, fixtureKeyPem, fixturePublicKey, rsaPair } from './support.js';

const spkiPem = fixturePublicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('PEM settings: inline text or a file path', () => {
  it('loads inline PEM, a one-line env value with \\n escapes, and a file path alike', () => {
    const escaped = fixtureKeyPem.trim().replaceAll('\n', '\\n');
    for (const value of [fixtureKeyPem, escaped, FIXTURE_KEY_PATH, `  ${FIXTURE_KEY_PATH}\n`]) {
      const key = loadPrivateKey('WECHATPAY_PRIVATE_KEY', value);
      expect(key.ok && samePublicKey(key.value, fixturePublicKey)).toBe(true);
    }
    expect(loadCertificate('cert', FIXTURE_CERT_PATH)).toMatchObject({ ok: true });
    expect(loadCertificate('cert', fixtureCertPem)).toMatchObject({ ok: true });
    expect(loadPublicKey('pub', spkiPem)).toMatchObject({ ok: true });
  });

  it('uses the injected reader for paths and reports unreadable files by path only', () => {
    expect(pemFromSetting('S', '/etc/wxpay/key.pem', () => fixtureKeyPem)).toEqual({ ok: true, value: fixtureKeyPem });
    expect(
      pemFromSetting('S', '/nope/key.pem', () => {
        throw new Error('ENOENT');
      }),
    ).toEqual({ ok: false, error: 'S: cannot read file /nope/key.pem' });
    expect(pemFromSetting('S', '   ')).toEqual({ ok: false, error: 'S is empty' });
  });

  it('refuses the wrong kind of PEM for each setting, without echoing it', () => {
    const results = [
      loadPrivateKey('K', fixtureCertPem),
      loadPrivateKey('K', spkiPem),
      loadCertificate('C', fixtureKeyPem),
      loadPublicKey('P', fixtureKeyPem),
      loadPublicKey('P', fixtureCertPem),
      loadPrivateKey('K', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----'),
      loadCertificate('C', '-----BEGIN CERTIFICATE-----\nAAAA'),
    ];
    for (const result of results) {
      expect(result.ok).toBe(false);
      expect(JSON.stringify(result)).not.toMatch(/MII|AAAA/);
    }
  });

  it('refuses an encrypted private key (no passphrase handling on purpose)', () => {
    const encrypted = rsaPair(0).privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }).toString();
    expect(loadPrivateKey('K', encrypted)).toEqual({
      ok: false,
      error: 'K holds a ENCRYPTED PRIVATE KEY block, not an unencrypted private key',
    });
  });

  it('reads PKCS#1 "RSA PRIVATE KEY" too (older apiclient_key.pem exports)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxpay-v3-'));
    const path = join(dir, 'pkcs1.pem');
    writeFileSync(path, rsaPair(0).privateKey.export({ type: 'pkcs1', format: 'pem' }));
    expect(loadPrivateKey('K', path)).toMatchObject({ ok: true });
  });

  it('samePublicKey tells key pairs apart', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(samePublicKey(rsaPair(0).privateKey, rsaPair(0).publicKey)).toBe(true);
    expect(samePublicKey(rsaPair(0).privateKey, rsaPair(1).publicKey)).toBe(false);
    expect(samePublicKey(ec.privateKey, rsaPair(0).publicKey)).toBe(false);
  });
});
