import type { X509Certificate } from 'node:crypto';

/**
 * notBefore/notAfter as Dates. Node 20's X509Certificate only offers OpenSSL's text form ("Jun 21 02:02:18 2020
 * GMT"), which V8's Date.parse reads; validFromDate/validToDate arrive only in later Node versions.
 */
export function certificateValidity(cert: X509Certificate): { readonly notBefore: Date; readonly notAfter: Date } {
  return { notBefore: new Date(Date.parse(cert.validFrom)), notAfter: new Date(Date.parse(cert.validTo)) };
}

/**
 * The subject CN — for a WeChat merchant API certificate, the mchid ("CN=1714645682, O=微信商户系统, OU=<name>").
 * Node prints the subject one `key=value` per line; a CN given twice is ambiguous and yields undefined.
 */
export function commonName(cert: X509Certificate): string | undefined {
  const values = cert.subject
    .split('\n')
    .filter((line) => line.startsWith('CN='))
    .map((line) => line.slice(3));
  return values.length === 1 ? values[0] : undefined;
}
