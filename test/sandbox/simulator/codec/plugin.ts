import { createRequire } from 'node:module';

/*
 * wechatpay-axios-plugin 0.9.6 (by WeChat Pay's SDK author, digest S26): an implementation of the same wire
 * formats that shares no code with ours, used here as an oracle. CommonJS, hence createRequire; the typings below
 * cover just the functions the tests call (lib/hash.js, lib/formatter.js, lib/aes.js, lib/transformer.js).
 */
const require = createRequire(import.meta.url);

type SignType = 'MD5' | 'HMAC-SHA256';

export const plugin = require('wechatpay-axios-plugin') as {
  Hash: {
    /** Uppercase v2 signature over queryStringLike(ksort(data)) + `&key=` + key. */
    sign(type: SignType, data: Record<string, string>, key: string): string;
    /** Lowercase hex MD5 of `thing`, plus `&key=…` only when a key is given. */
    md5(thing: string, key?: string): string;
    equals(known: string, user?: string | null): boolean;
  };
  Formatter: {
    ksort(thing: Record<string, string>): Record<string, string>;
    /** `k=v&…` in the object's own order, without `sign` and empty values. */
    queryStringLike(thing: Record<string, string>): string;
  };
  Aes: {
    AesEcb: {
      /** PKCS#7-ish: an input already a multiple of 16 bytes gets no padding block (lib/aes.js). */
      encrypt(plaintext: string | Uint8Array, key: Uint8Array | string): string;
      decrypt(ciphertext: string, key: Uint8Array | string): string;
    };
  };
  Transformer: {
    /** fast-xml-parser XMLBuilder: `<xml>…</xml>`, CDATA only around values holding one of `>'&"<`. */
    toXml(data: Record<string, string>): string;
    /** fast-xml-parser with entities on, values trimmed unless CDATA; returns the root's children. */
    toObject(xml: string): Record<string, string> | undefined;
  };
};
