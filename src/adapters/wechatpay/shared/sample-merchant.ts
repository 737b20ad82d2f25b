/**
 * WeChat's published sample merchant (protocol digest §2.2): what sandbox mode speaks unless told otherwise, and what
 * the examples are signed for. Harmless to ship, and signatures made with it can be checked against the official
 * worked example. WeChat publishes no sample AppSecret; this one is ours.
 */
export const SAMPLE_MERCHANT = {
  appId: 'wxd930ea5d5a258f4f',
  mchId: '10000100',
  apiKey: '192006250b4c09247ec02edce69f6a2d',
  appSecret: 'wxpay-simulator-sample-appsecret',
} as const;
