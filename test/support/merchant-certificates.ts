import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificatePem } from '../../src/sandbox/identity/x509-builder.js';

const DAY = 86_400_000;

export interface MerchantCertificateFiles {
  readonly dir: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** Paths of the same files, for configuration. */
  readonly certPath: string;
  readonly keyPath: string;
}

/** A merchant API certificate as WeChat issues them (CN = mch_id), valid from `from` for `days` days, in PEM files. */
export function merchantCertificate(options: { cn: string; from?: Date; days?: number }): MerchantCertificateFiles {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const from = options.from ?? new Date(Date.now() - DAY);
  const certPem = createCertificatePem({
    serialHex: '5f3a9c01',
    subject: [
      ['CN', options.cn],
      ['O', '微信商户系统'],
      ['OU', 'Test merchant'],
    ],
    subjectPublicKey: publicKey,
    notBefore: from,
    notAfter: new Date(from.getTime() + (options.days ?? 1825) * DAY),
    isCa: false,
    signingKey: privateKey,
  });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-cert-'));
  const certPath = join(dir, 'apiclient_cert.pem');
  const keyPath = join(dir, 'apiclient_key.pem');
  writeFileSync(certPath, certPem);
  writeFileSync(keyPath, keyPem, { mode: 0o600 });
  return { dir, certPem, keyPem, certPath, keyPath };
}

/** The same certificate as a PKCS#12 file (openssl), modern or in the old RC2 encryption OpenSSL 3 refuses. */
export function pkcs12Of(files: MerchantCertificateFiles, passphrase: string, legacy = false): Buffer {
  const out = join(files.dir, legacy ? 'legacy.p12' : 'apiclient_cert.p12');
  execFileSync('openssl', [
    'pkcs12',
    '-export',
    ...(legacy ? ['-legacy'] : []),
    '-out',
    out,
    '-inkey',
    files.keyPath,
    '-in',
    files.certPath,
    '-passout',
    `pass:${passphrase}`,
  ]);
  return readFileSync(out);
}
