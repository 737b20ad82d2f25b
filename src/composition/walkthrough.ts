import type { Config } from './config.js';

/** The WeChat Pay simulator a sandbox service talks to, and the one that answers its logins (code2Session). */
export interface SandboxSimulators {
  /** embedded: this server's /sandbox/wxpay; standalone: WECHAT_BASE_URL (`npm run sandbox`, say). */
  readonly kind: 'embedded' | 'standalone';
  readonly url: string;
  /** Where login codes are redeemed: WECHAT_LOGIN_BASE_URL, which defaults to `url`. */
  readonly loginUrl: string;
}

/** The simulators the WeChat Pay bindings use (bindings/wechat-pay.ts): configured URLs, else the embedded one. */
export function sandboxSimulators(config: Config, selfUrl: string): SandboxSimulators {
  const embedded = `${selfUrl}/sandbox/wxpay`;
  const url = config.wechat.baseUrl?.replace(/\/+$/, '') ?? embedded;
  return { kind: url === embedded ? 'embedded' : 'standalone', url, loginUrl: config.wechat.loginBaseUrl?.replace(/\/+$/, '') ?? embedded };
}

/** How the banner names them. */
function simulatorLine(sims: SandboxSimulators): string {
  const pay =
    sims.kind === 'embedded'
      ? `the embedded WeChat Pay simulator at ${sims.url}`
      : `the standalone WeChat Pay simulator at ${sims.url}; this server's own /sandbox/wxpay is not used`;
  return sims.loginUrl === sims.url ? pay : `${pay}; logins (code2Session) at ${sims.loginUrl}`;
}

/** API v3 only: anyone can check the RSA paySign with the merchant public key the simulator publishes. */
const paySignCheck = (
  sim: string,
): string => `  # 3b. API v3: paySign is SHA256-RSA with the merchant's private key. Check it with the public key /control/keys publishes:
  curl -s ${sim}/control/keys | jq -r '.merchant_certificates[0].public_key' > /tmp/merchant.pub
  jq -j '.data.data | "\\(.appId)\\n\\(.timeStamp)\\n\\(.nonceStr)\\n\\(.package)\\n"' /tmp/prepay.json > /tmp/paysign.msg
  jq -r .data.data.paySign /tmp/prepay.json | base64 -d > /tmp/paysign.sig
  openssl dgst -sha256 -verify /tmp/merchant.pub -signature /tmp/paysign.sig /tmp/paysign.msg     # Verified OK
`;

/**
 * The session `npm start` prints in sandbox mode: from a login code to a paid order with curl, then the operator
 * console, against this process and the simulator it actually talks to (embedded, or a standalone one).
 */
export function sandboxWalkthrough(
  baseUrl: string,
  apiVersion: 'v2' | 'v3' = 'v2',
  sims: SandboxSimulators = { kind: 'embedded', url: `${baseUrl}/sandbox/wxpay`, loginUrl: `${baseUrl}/sandbox/wxpay` },
): string {
  const sim = sims.url;
  return `
wxpay-server is running in SANDBOX mode (WeChat Pay API ${apiVersion}) at ${baseUrl} (${simulatorLine(sims)}).
Walk-through (needs curl and jq${apiVersion === 'v3' ? ', and openssl for 3b' : ''}):

  # 1. The mini-program's wx.login, played by the simulator:
  CODE=$(curl -s -X POST ${sims.loginUrl}/control/code | jq -r .code)
  # 2. Log in: the server exchanges the code with (simulated) WeChat and returns a session token.
  TOKEN=$(curl -s -X POST ${baseUrl}/wechat/login -H 'Content-Type: application/json' -d "{\\"code\\":\\"$CODE\\"}" | jq -r .data.token)
  # 3. Ask to pay for goods 1; the answer holds the wx.requestPayment parameters.
  curl -s "${baseUrl}/wechat/prepay?goods_id=1&paid_type=WXPAY" -H "Authorization: Bearer $TOKEN" | tee /tmp/prepay.json | jq .
  PREPAY_ID=$(jq -r '.data.data.package' /tmp/prepay.json | cut -d= -f2); ORDER=$(jq -r '.data.data.outTradeNo' /tmp/prepay.json)
${apiVersion === 'v3' ? paySignCheck(sim) : ''}  # 4. The user pays in WeChat's cashier, played by the simulator, which then sends the signed notify to this server.
  curl -s -X POST ${sim}/control/pay -H 'Content-Type: application/json' -d "{\\"prepay_id\\":\\"$PREPAY_ID\\"}" | jq .
  # 5. The order is paid:
  curl -s ${baseUrl}/wechat/orders/$ORDER -H "Authorization: Bearer $TOKEN" | jq .data.status

API reference: ${baseUrl}/docs (OpenAPI 3.1: ${baseUrl}/openapi.json)

Operator console (运营后台) at ${baseUrl}/console:

  # 6. Create the first operator, an admin (asks for a password of 10 characters or more), from this directory and
  #    with the same environment as the service (DATABASE_URL):
  npm run operator -- add admin --role admin
  # 7. Open ${baseUrl}/console in a browser and sign in as admin. Admins add more operators there
  #    (roles: viewer reads, operator refunds, resolves reviews and grants coins, admin also edits goods and operators).
`;
}
