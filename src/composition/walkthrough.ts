/**
 * The session `npm start` prints in sandbox mode: from a login code to a paid order with curl, then the operator
 * console, against this process.
 */
export function sandboxWalkthrough(baseUrl: string): string {
  const sim = `${baseUrl}/sandbox/wxpay`;
  return `
wxpay-server is running in SANDBOX mode at ${baseUrl} (WeChat Pay simulator at ${sim}).
Walk-through (needs curl and jq):

  # 1. The mini-program's wx.login, played by the simulator:
  CODE=$(curl -s -X POST ${sim}/control/code | jq -r .code)
  # 2. Log in: the server exchanges the code with (simulated) WeChat and returns a session token.
  TOKEN=$(curl -s -X POST ${baseUrl}/wechat/login -H 'Content-Type: application/json' -d "{\\"code\\":\\"$CODE\\"}" | jq -r .data.token)
  # 3. Ask to pay for goods 1; the answer holds the wx.requestPayment parameters.
  curl -s "${baseUrl}/wechat/prepay?goods_id=1&paid_type=WXPAY" -H "Authorization: Bearer $TOKEN" | tee /tmp/prepay.json | jq .
  PREPAY_ID=$(jq -r '.data.data.package' /tmp/prepay.json | cut -d= -f2); ORDER=$(jq -r '.data.data.outTradeNo' /tmp/prepay.json)
  # 4. The user pays in WeChat's cashier, played by the simulator, which then sends the signed notify to this server.
  curl -s -X POST ${sim}/control/pay -H 'Content-Type: application/json' -d "{\\"prepay_id\\":\\"$PREPAY_ID\\"}" | jq .
  # 5. The order is paid:
  curl -s ${baseUrl}/wechat/orders/$ORDER -H "Authorization: Bearer $TOKEN" | jq .data.status

Operator console (运营后台) at ${baseUrl}/console:

  # 6. Create the first operator, an admin (asks for a password of 10 characters or more), from this directory and
  #    with the same environment as the service (DATABASE_URL):
  npm run operator -- add admin --role admin
  # 7. Open ${baseUrl}/console in a browser and sign in as admin. Admins add more operators there
  #    (roles: viewer reads, operator refunds, resolves reviews and grants coins, admin also edits goods and operators).
`;
}
