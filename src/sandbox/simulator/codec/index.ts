/**
 * The simulator's own wire codec — v2 signature, flat XML, refund-notify AES — kept independent of the client's
 * `src/adapters/wechatpay/v2/{sign,xml,aes-ecb}.ts`, so a bug in one side cannot make both sides agree.
 */
export { isSimSignType, simSign, simSigningString, simVerify, type SimFields, type SimSignType } from './sign.js';
export { SimXmlError, simParseXml, type SimParseOptions, type SimXmlReason } from './xml.js';
export { simXml } from './xml-write.js';
export { simAesEcbDecrypt, simAesEcbDecryptWithKey, simAesEcbEncrypt, simAesEcbEncryptWithKey, simRefundAesKey } from './aes.js';
export { beijingDateTime, NOTIFY_ACK_SUCCESS, type SignableFields, type SignType, type WechatFields } from './wire-types.js';
export {
  simAnswerMessage,
  simParseAuthorization,
  simPaySignMessage,
  simRequestMessage,
  simRsaSign,
  simRsaVerify,
  type SimAuthorization,
} from './v3-rsa.js';
export { simGcmOpen, simGcmSeal } from './v3-gcm.js';
