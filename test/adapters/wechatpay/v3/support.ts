import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

export const FIXTURES = resolve(import.meta.dirname, '../../../fixtures/v3');
export const FIXTURE_KEY_PATH = resolve(FIXTURES, 'apiclient_key.pem');
export const FIXTURE_CERT_PATH = resolve(FIXTURES, 'apiclient_cert.pem');

/** wechatpay-axios-plugin's test key (digest T13/T14) and its self-signed certificate, serial 898DBAD30F416EC7. */
export const fixtureKeyPem = readFileSync(FIXTURE_KEY_PATH, 'utf8');
export const fixtureCertPem = readFileSync(FIXTURE_CERT_PATH, 'utf8');
export const fixturePrivateKey = createPrivateKey(fixtureKeyPem);
export const fixturePublicKey = createPublicKey(fixturePrivateKey);
export const fixtureCertificate = new X509Certificate(fixtureCertPem);
export const FIXTURE_SERIAL = '898DBAD30F416EC7';

export interface RsaPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

const pairs: RsaPair[] = [];
/** The n-th RSA-2048 pair of this test process, generated once (each costs ~100 ms on the CI machine). */
export function rsaPair(n: number): RsaPair {
  while (pairs.length <= n) pairs.push(generateKeyPairSync('rsa', { modulusLength: 2048 }));
  return pairs[n] as RsaPair;
}

/** The plugin is CommonJS and a devDependency: an independent implementation by WeChat Pay's SDK author. */
const require = createRequire(import.meta.url);
export const plugin = require('wechatpay-axios-plugin') as {
  Rsa: {
    sign(message: string | Buffer, privateKey: KeyObject | string): string;
    verify(message: string | Buffer, signature: string, publicKey: KeyObject | string): boolean;
  };
  Formatter: {
    request(method: string, uri: string, timestamp: string | number, nonce: string, body?: string): string;
    response(timestamp: string | number, nonce: string, body?: string): string;
    authorization(mchid: string, nonce: string, signature: string, timestamp: string | number, serial: string): string;
    joinedByLineFeed(...pieces: (string | number)[]): string;
  };
  Aes: {
    AesGcm: {
      encrypt(plaintext: string, key: string | Buffer, iv: string | Buffer, aad?: string): string;
      decrypt(ciphertext: string, key: string | Buffer, iv: string | Buffer, aad?: string): string;
    };
  };
  Decorator: {
    responseVerifier(
      certs: Record<string, KeyObject>,
    ): (
      this: { url: string; validateStatus?: (status: number) => boolean },
      data: string,
      headers: Record<string, string>,
      status?: number,
    ) => unknown;
  };
};
