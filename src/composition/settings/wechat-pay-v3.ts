import type { BootstrapPolicy } from '../../adapters/wechatpay/v3/certificate-download.js';
import { checkV3Credentials, type V3Credentials, type V3CredentialSettings } from '../../adapters/wechatpay/v3/credential-check.js';

export interface V3Config {
  /** undefined in sandbox mode without explicit settings: the simulator's generated identity is used. */
  readonly credentials?: V3Credentials;
  /** Platform-certificate mode: download `/v3/certificates` and keep the set current. */
  readonly platformCertificates: boolean;
  readonly bootstrap: BootstrapPolicy;
}

type Env = (key: string) => string | undefined;

/** What the v3 settings depend on from the merchant's settings, as parsed there. */
export interface V3Merchant {
  /** WECHAT_API_VERSION=v3. */
  readonly chosen: boolean;
  readonly sandbox: boolean;
  readonly mchId: string;
}

const CORE = ['WECHAT_MCH_PRIVATE_KEY', 'WECHAT_MCH_CERT_SERIAL', 'WECHAT_API_V3_KEY'] as const;
const ALL = [...CORE, 'WECHAT_MCH_CERT', 'WECHAT_PAY_PUBLIC_KEY', 'WECHAT_PAY_PUBLIC_KEY_ID', 'WECHAT_PLATFORM_CERT'] as const;

/** Every variable the v3 settings read (beside WECHAT_API_VERSION, WECHAT_MCH_ID and WECHAT_GATEWAY: see V3Merchant). */
export const V3_VARIABLES: readonly string[] = [...ALL, 'WECHAT_PLATFORM_CERT_BOOTSTRAP'];

/** credential-check names its settings; the operator knows the variables. Longest names first. */
const VARIABLE_OF: readonly [RegExp, string][] = [
  [/\bwechatpayPublicKeyId\b/g, 'WECHAT_PAY_PUBLIC_KEY_ID'],
  [/\bwechatpayPublicKey\b/g, 'WECHAT_PAY_PUBLIC_KEY'],
  [/\bplatformCertificates\[(\d+)\]/g, 'WECHAT_PLATFORM_CERT (certificate $1)'],
  [/\bplatformCertificates\b/g, 'WECHAT_PLATFORM_CERT'],
  [/\bmerchantCertificate\b/g, 'WECHAT_MCH_CERT'],
  [/\bmerchantSerialNo\b/g, 'WECHAT_MCH_CERT_SERIAL'],
  [/\bprivateKey\b/g, 'WECHAT_MCH_PRIVATE_KEY'],
  [/\bapiV3Key\b/g, 'WECHAT_API_V3_KEY'],
  [/\bmchId\b/g, 'WECHAT_MCH_ID'],
];
const inVariables = (problem: string): string => VARIABLE_OF.reduce((text, [pattern, name]) => text.replace(pattern, name), problem);

/** WECHAT_PLATFORM_CERT may hold several certificates: comma-separated paths, or PEM blocks one after another. */
function platformCertificateSettings(value: string | undefined): Result {
  if (value === undefined) return { values: [], problems: [] };
  if (!value.includes('-----BEGIN '))
    return {
      values: value
        .split(',')
        .map((path) => path.trim())
        .filter(Boolean),
      problems: [],
    };
  const text = value.includes('\n') ? value : value.replace(/(?:\\r)?\\n/g, '\n');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.length > 0
    ? { values: blocks, problems: [] }
    : { values: [], problems: ['WECHAT_PLATFORM_CERT: no PEM certificate in it'] };
}
type Result = { values: string[]; problems: string[] };

/**
 * The API v3 part of the configuration, checked offline and all at once: the private key parses (RSA ≥ 2048), the
 * serial is hex and — when WECHAT_MCH_CERT is given — is that certificate's, whose key is the private key's and whose
 * CN is the mchid; the APIv3 key is 32 bytes; the WeChat Pay public key parses and its ID is well formed; platform
 * certificates parse and are valid now. Returns undefined settings when v3 is neither chosen nor configured.
 */
export function readV3Settings(env: Env, merchant: V3Merchant, now: Date): { settings?: V3Config; problems: string[] } {
  const { chosen, sandbox, mchId } = merchant;
  const given = ALL.filter((key) => env(key) !== undefined);
  const bootstrap = env('WECHAT_PLATFORM_CERT_BOOTSTRAP') ?? 'refuse';
  const problems: string[] = [];
  if (bootstrap !== 'refuse' && bootstrap !== 'apiv3Key') problems.push('WECHAT_PLATFORM_CERT_BOOTSTRAP: must be refuse or apiv3Key');
  const policy: BootstrapPolicy = bootstrap === 'apiv3Key' ? 'apiv3Key' : 'refuse';
  if (!chosen && given.length === 0) return { problems };
  if (sandbox && given.length === 0) return { settings: { platformCertificates: true, bootstrap: policy }, problems };

  for (const key of CORE)
    if (env(key) === undefined) problems.push(`${key}: is required for API v3${chosen ? '' : ' (some v3 settings are given)'}`);
  const platform = platformCertificateSettings(env('WECHAT_PLATFORM_CERT'));
  problems.push(...platform.problems);
  const platformMode = platform.values.length > 0 || policy === 'apiv3Key';
  const publicKeyMode = env('WECHAT_PAY_PUBLIC_KEY') !== undefined || env('WECHAT_PAY_PUBLIC_KEY_ID') !== undefined;
  if (!platformMode && !publicKeyMode) {
    problems.push(
      'WECHAT_PAY_PUBLIC_KEY: API v3 needs WECHAT_PAY_PUBLIC_KEY + WECHAT_PAY_PUBLIC_KEY_ID, or platform certificates (WECHAT_PLATFORM_CERT, or WECHAT_PLATFORM_CERT_BOOTSTRAP=apiv3Key)',
    );
  }
  if (problems.length > 0 && CORE.some((key) => env(key) === undefined)) return { problems };

  const settings: V3CredentialSettings = {
    mchId,
    merchantSerialNo: env('WECHAT_MCH_CERT_SERIAL') ?? '',
    privateKey: env('WECHAT_MCH_PRIVATE_KEY') ?? '',
    apiV3Key: env('WECHAT_API_V3_KEY') ?? '',
    ...optional('merchantCertificate', env('WECHAT_MCH_CERT')),
    ...optional('wechatpayPublicKeyId', env('WECHAT_PAY_PUBLIC_KEY_ID')),
    ...optional('wechatpayPublicKey', env('WECHAT_PAY_PUBLIC_KEY')),
    platformCertificates: platform.values,
  };
  const checked = checkV3Credentials(settings, { now, requireVerificationKey: policy !== 'apiv3Key' });
  if (!checked.ok) return { problems: [...problems, ...checked.error.map((p) => `API v3: ${inVariables(p)}`)] };
  return { settings: { credentials: checked.value, platformCertificates: platformMode, bootstrap: policy }, problems };
}

const optional = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, string>);
