import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';

/** API v3 material the simulator is started with (PEM text); the composition root generates and stores it. */
export interface SimulatorV3Options {
  /** The merchant's APIv3 key (32 bytes): notify resources and platform certificates are encrypted with it. */
  readonly apiV3Key: string;
  /** Merchant API certificates (or bare public keys) requests may be signed with, by serial. */
  readonly merchants: readonly { readonly serialNo: string; readonly certificatePem?: string; readonly publicKeyPem?: string }[];
  /** WeChat Pay public-key mode: the ID and the key pair behind it. */
  readonly publicKey?: { readonly id: string; readonly privateKeyPem: string; readonly publicKeyPem: string };
  /** Platform-certificate mode: served at /v3/certificates; the last one signs by default. */
  readonly platformCertificates?: readonly { readonly serialNo: string; readonly privateKeyPem: string; readonly certificatePem: string }[];
  /** How notifies are signed. Default: the public key if any. */
  readonly signWith?: SignWith;
}

export type SignWith = 'publicKey' | 'platformCertificate';

export interface SimSigner {
  /** What goes into Wechatpay-Serial: PUB_KEY_ID_… or the platform certificate serial. */
  readonly serial: string;
  readonly privateKey: KeyObject;
}

export interface SimPlatformCertificate extends SimSigner {
  readonly certificate: X509Certificate;
  readonly pem: string;
}

const hexId = (serial: string): string => serial.toUpperCase().replace(/^0+/, '');

/**
 * The simulator's WeChat side of API v3: who may call (merchant keys by serial) and how it signs. WeChat signs an
 * answer with the key the request names in Wechatpay-Serial, and a merchant that holds a platform certificate gets
 * answers signed with it when the request names none (WeChat's answer to merchants switching to the public key:
 * "不指定则默认平台证书"; WxJava #3548: public-key clients that send no Wechatpay-Serial fail verification). Notifies
 * are signed with the current key, which control endpoints switch (WeChat moves callbacks over by itself).
 */
export class SimulatorV3Keys {
  readonly apiV3Key: string;
  readonly publicKey: (SimSigner & { readonly publicKeyPem: string }) | undefined;
  readonly platform: readonly SimPlatformCertificate[];
  private readonly merchants = new Map<string, { readonly key: KeyObject; readonly serialNo: string; readonly pem: string }>();
  private mode: SignWith;
  private currentPlatform: SimPlatformCertificate | undefined;

  constructor(options: SimulatorV3Options) {
    if (Buffer.byteLength(options.apiV3Key, 'utf8') !== 32) throw new RangeError('the APIv3 key must be 32 bytes');
    this.apiV3Key = options.apiV3Key;
    for (const m of options.merchants) {
      const pem = m.certificatePem ?? m.publicKeyPem;
      if (pem === undefined) throw new RangeError(`merchant ${m.serialNo}: a certificate or a public key is required`);
      this.merchants.set(hexId(m.serialNo), { key: createPublicKey(pem), serialNo: m.serialNo, pem });
    }
    const pk = options.publicKey;
    this.publicKey = pk && { serial: pk.id, privateKey: createPrivateKey(pk.privateKeyPem), publicKeyPem: pk.publicKeyPem };
    this.platform = (options.platformCertificates ?? []).map((p) => ({
      serial: p.serialNo.toUpperCase(),
      privateKey: createPrivateKey(p.privateKeyPem),
      certificate: new X509Certificate(p.certificatePem),
      pem: p.certificatePem,
    }));
    this.currentPlatform = this.platform.at(-1);
    this.mode = options.signWith ?? (this.publicKey ? 'publicKey' : 'platformCertificate');
    if (!this.defaultSigner()) throw new RangeError('the v3 simulator needs a WeChat Pay public key or a platform certificate');
  }

  /** The merchant key for (serial); mchid is checked by the caller. */
  merchantKey(serialNo: string): KeyObject | undefined {
    return this.merchants.get(hexId(serialNo))?.key;
  }

  merchantMaterial(): readonly { readonly serialNo: string; readonly pem: string; readonly publicKeyPem: string }[] {
    return [...this.merchants.values()].map((m) => ({
      serialNo: m.serialNo,
      pem: m.pem,
      publicKeyPem: m.key.export({ type: 'spki', format: 'pem' }).toString(),
    }));
  }

  /**
   * The signer for an answer to a request that named `requested` (or nothing): that key when we have it, else the
   * current platform certificate, else (a merchant with the public key only) the public key.
   */
  signerFor(requested: string | undefined): SimSigner {
    if (requested !== undefined) {
      if (this.publicKey && requested === this.publicKey.serial) return this.publicKey;
      const named = this.platform.find((p) => hexId(p.serial) === hexId(requested));
      if (named) return named;
    }
    return (this.currentPlatform ?? this.publicKey) as SimSigner;
  }

  /** Notifies. */
  defaultSigner(): SimSigner | undefined {
    return this.mode === 'publicKey' ? this.publicKey : this.currentPlatform;
  }

  get signWith(): SignWith {
    return this.mode;
  }

  get currentPlatformSerial(): string | undefined {
    return this.currentPlatform?.serial;
  }

  /**
   * Switches the notify signer (a migration, a certificate rotation; a rotation also changes the certificate that
   * signs answers to requests naming no key); false when that key does not exist.
   */
  use(mode: SignWith, platformSerial?: string): boolean {
    if (mode === 'publicKey') {
      if (!this.publicKey) return false;
      this.mode = mode;
      return true;
    }
    const platform =
      platformSerial === undefined ? this.currentPlatform : this.platform.find((p) => hexId(p.serial) === hexId(platformSerial));
    if (!platform) return false;
    this.mode = mode;
    this.currentPlatform = platform;
    return true;
  }
}
