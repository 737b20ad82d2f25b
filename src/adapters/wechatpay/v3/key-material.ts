import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { err, ok, type Result } from '../../../domain/result.js';

/** Reads a PEM file; injected so config checks stay testable without a file system. */
export type ReadText = (path: string) => string;

const readUtf8: ReadText = (path) => readFileSync(path, 'utf8');

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/;

/**
 * A setting that holds either PEM text or the path of a PEM file (env vars carry both). Text containing
 * `-----BEGIN ` is PEM; literal `\n` escapes — what a one-line env var usually holds — become newlines. Problems name
 * the setting and the path, never the content.
 */
export function pemFromSetting(setting: string, value: string, readText: ReadText = readUtf8): Result<string, string> {
  const trimmed = value.trim();
  if (trimmed === '') return err(`${setting} is empty`);
  if (trimmed.includes('-----BEGIN ')) {
    const text = trimmed.includes('\n') ? trimmed : trimmed.replace(/(?:\\r)?\\n/g, '\n');
    return PEM_BLOCK.test(text) ? ok(text) : err(`${setting} looks like PEM but has no complete BEGIN/END block`);
  }
  let text: string;
  try {
    text = readText(trimmed);
  } catch {
    return err(`${setting}: cannot read file ${trimmed}`);
  }
  return PEM_BLOCK.test(text) ? ok(text) : err(`${setting}: file ${trimmed} holds no PEM block`);
}

/** The label of the first PEM block (`PRIVATE KEY`, `CERTIFICATE`, …). */
const pemLabel = (pem: string): string | undefined => PEM_BLOCK.exec(pem)?.[1];

/** An unencrypted PKCS#8 or PKCS#1 private key (apiclient_key.pem is PKCS#8). */
export function loadPrivateKey(setting: string, value: string, readText?: ReadText): Result<KeyObject, string> {
  const pem = pemFromSetting(setting, value, readText);
  if (!pem.ok) return pem;
  const label = pemLabel(pem.value);
  if (label !== 'PRIVATE KEY' && label !== 'RSA PRIVATE KEY') {
    return err(`${setting} holds a ${label ?? 'non-PEM'} block, not an unencrypted private key`);
  }
  try {
    return ok(createPrivateKey(pem.value));
  } catch {
    return err(`${setting} does not parse as a private key`);
  }
}

export function loadCertificate(setting: string, value: string, readText?: ReadText): Result<X509Certificate, string> {
  const pem = pemFromSetting(setting, value, readText);
  if (!pem.ok) return pem;
  if (pemLabel(pem.value) !== 'CERTIFICATE') return err(`${setting} is not a PEM certificate`);
  try {
    return ok(new X509Certificate(pem.value));
  } catch {
    return err(`${setting} does not parse as an X.509 certificate`);
  }
}

/**
 * A bare public key (the WeChat Pay public key file is SPKI `PUBLIC KEY`). A private key is refused even though one
 * could be derived: a private key in a public-key setting is a leak waiting to happen.
 */
export function loadPublicKey(setting: string, value: string, readText?: ReadText): Result<KeyObject, string> {
  const pem = pemFromSetting(setting, value, readText);
  if (!pem.ok) return pem;
  const label = pemLabel(pem.value);
  if (label !== 'PUBLIC KEY' && label !== 'RSA PUBLIC KEY') return err(`${setting} is not a PEM public key`);
  try {
    return ok(createPublicKey(pem.value));
  } catch {
    return err(`${setting} does not parse as a public key`);
  }
}

/** Same key pair: compares the SubjectPublicKeyInfo DER of both. */
export function samePublicKey(a: KeyObject, b: KeyObject): boolean {
  const spki = (key: KeyObject): Buffer => (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' });
  return spki(a).equals(spki(b));
}

/** RSA modulus size in bits, or undefined for a non-RSA key. */
export function rsaModulusBits(key: KeyObject): number | undefined {
  return key.asymmetricKeyType === 'rsa' ? key.asymmetricKeyDetails?.modulusLength : undefined;
}
