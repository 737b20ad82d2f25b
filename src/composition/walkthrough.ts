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
 * console, against this process.
 */
export function sandboxWalkthrough(baseUrl: string, apiVersion: 'v2' | 'v3' = 'v2'): string {
  const sim = `${baseUrl}/sandbox/wxpay`;
  return `
wxpay-server is running in SANDBOX mode (WeChat Pay API ${apiVersion}) at ${baseUrl} (WeChat Pay simulator at ${sim}).
Walk-through (needs curl and jq${apiVersion === 'v3' ? ', and openssl for 3b' : ''}):

  # 1. The mini-program's wx.login, played by the simulator:
  CODE=$(curl -s -X POST ${sim}/control/code | jq -r .code)
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
