import type { KeyObject, X509Certificate } from 'node:crypto';
import { err, ok, type Result } from '../../../domain/result.js';
import { loadCertificate, loadPrivateKey, loadPublicKey, rsaModulusBits, samePublicKey, type ReadText } from './key-material.js';
import { isHexSerial, isPublicKeyId, serialKey } from './serial.js';
import { certificateValidity, commonName } from './x509-facts.js';

/** v3 settings as a config loader has them: every key/cert value is inline PEM or a PEM file path. */
export interface V3CredentialSettings {
  readonly mchId: string;
  /** Serial of the merchant API certificate (apiclient_cert.pem), hex. */
  readonly merchantSerialNo: string;
  readonly privateKey: string;
  /** Optional: when given, its serial, key and CN are checked against the settings above. */
  readonly merchantCertificate?: string;
  readonly apiV3Key: string;
  /** WeChat Pay public key mode (merchants since ~Oct 2024): the ID and the PEM, both or neither. */
  readonly wechatpayPublicKeyId?: string;
  readonly wechatpayPublicKey?: string;
  /** Legacy platform-certificate mode: certificates obtained out of band (trust anchors, see certificate-download). */
  readonly platformCertificates?: readonly string[];
}

export interface V3Credentials {
  readonly mchId: string;
  readonly merchantSerialNo: string;
  readonly privateKey: KeyObject;
  readonly merchantCertificate?: X509Certificate;
  readonly apiV3Key: Buffer;
  readonly wechatpayPublicKey?: { readonly id: string; readonly key: KeyObject };
  readonly platformCertificates: readonly X509Certificate[];
}

export interface CheckOptions {
  readonly now: Date;
  readonly readText?: ReadText;
  /** Default true: without a public key or platform certificate no answer can be verified (certificate-download). */
  readonly requireVerificationKey?: boolean;
}

const MIN_RSA_BITS = 2048;

/**
 * Checks everything that can be checked offline and reports *all* problems at once, as human-readable lines that
 * name settings, serials and paths but never a key, a PEM body or the APIv3 key.
 */
export function checkV3Credentials(settings: V3CredentialSettings, options: CheckOptions): Result<V3Credentials, string[]> {
  const problems: string[] = [];
  const { now, readText } = options;
  const take = <T>(result: Result<T, string>): T | undefined => {
    if (result.ok) return result.value;
    problems.push(result.error);
    return undefined;
  };

  if (!/^[0-9]{1,32}$/.test(settings.mchId)) problems.push('mchId must be the merchant number (digits)');
  const serialOk = isHexSerial(settings.merchantSerialNo);
  if (!serialOk) {
    problems.push('merchantSerialNo must be the hex serial of the merchant API certificate (up to 40 digits)');
  }

  const privateKey = take(loadPrivateKey('privateKey', settings.privateKey, readText));
  if (privateKey !== undefined) {
    const bits = rsaModulusBits(privateKey);
    if (bits === undefined) problems.push('privateKey is not an RSA key');
    else if (bits < MIN_RSA_BITS) {
      problems.push(`privateKey is RSA-${bits}; WeChat Pay requires at least RSA-${MIN_RSA_BITS}`);
    }
  }

  let merchantCertificate: X509Certificate | undefined;
  if (settings.merchantCertificate !== undefined) {
    merchantCertificate = take(loadCertificate('merchantCertificate', settings.merchantCertificate, readText));
    if (merchantCertificate !== undefined) {
      const certSerial = merchantCertificate.serialNumber;
      if (serialOk && serialKey(certSerial) !== serialKey(settings.merchantSerialNo)) {
        problems.push(`merchantSerialNo ${settings.merchantSerialNo} differs from merchantCertificate's ${certSerial}`);
      }
      if (privateKey !== undefined && !samePublicKey(privateKey, merchantCertificate.publicKey)) {
        problems.push('merchantCertificate does not belong to privateKey (public keys differ)');
      }
      const cn = commonName(merchantCertificate);
      if (cn !== settings.mchId) {
        problems.push(`merchantCertificate is issued to CN=${cn ?? '(none)'}, not to mchId ${settings.mchId}`);
      }
      problems.push(...validityProblems('merchantCertificate', merchantCertificate, now));
    }
  }

  const apiV3Key = Buffer.from(settings.apiV3Key, 'utf8');
  if (apiV3Key.length !== 32) problems.push(`apiV3Key must be exactly 32 bytes (it has ${apiV3Key.length})`);

  let wechatpayPublicKey: V3Credentials['wechatpayPublicKey'];
  const { wechatpayPublicKeyId: keyId, wechatpayPublicKey: keyPem } = settings;
  if ((keyId === undefined) !== (keyPem === undefined)) {
    problems.push('wechatpayPublicKeyId and wechatpayPublicKey must be given together');
  } else if (keyId !== undefined && keyPem !== undefined) {
    if (!isPublicKeyId(keyId)) {
      problems.push('wechatpayPublicKeyId must look like PUB_KEY_ID_0114232134912410000000000000');
    }
    const key = take(loadPublicKey('wechatpayPublicKey', keyPem, readText));
    if (key !== undefined) {
      if (rsaModulusBits(key) === undefined) problems.push('wechatpayPublicKey is not an RSA key');
      else if (privateKey !== undefined && samePublicKey(privateKey, key)) {
        problems.push("wechatpayPublicKey is the merchant's own key, not WeChat Pay's");
      }
      if (isPublicKeyId(keyId)) wechatpayPublicKey = { id: keyId, key };
    }
  }

  const platformCertificates: X509Certificate[] = [];
  (settings.platformCertificates ?? []).forEach((value, index) => {
    const setting = `platformCertificates[${index}]`;
    const cert = take(loadCertificate(setting, value, readText));
    if (cert === undefined) return;
    if (serialOk && serialKey(cert.serialNumber) === serialKey(settings.merchantSerialNo)) {
      problems.push(`${setting} is the merchant certificate ${cert.serialNumber}, not a WeChat Pay platform one`);
    }
    problems.push(...validityProblems(setting, cert, now));
    platformCertificates.push(cert);
  });

  const noAnchor = keyId === undefined && keyPem === undefined && (settings.platformCertificates ?? []).length === 0;
  if ((options.requireVerificationKey ?? true) && noAnchor) {
    problems.push('no WeChat Pay public key or platform certificate configured: answers and notifies are unverifiable');
  }

  if (problems.length > 0 || privateKey === undefined) return err(problems);
  return ok({
    mchId: settings.mchId,
    merchantSerialNo: settings.merchantSerialNo,
    privateKey,
    ...(merchantCertificate === undefined ? {} : { merchantCertificate }),
    apiV3Key,
    ...(wechatpayPublicKey === undefined ? {} : { wechatpayPublicKey }),
    platformCertificates,
  });
}

function validityProblems(setting: string, cert: X509Certificate, now: Date): string[] {
  const { notBefore, notAfter } = certificateValidity(cert);
  if (now < notBefore) return [`${setting} (${cert.serialNumber}) is not valid before ${notBefore.toISOString()}`];
  if (now > notAfter) return [`${setting} (${cert.serialNumber}) expired at ${notAfter.toISOString()}`];
  return [];
}
