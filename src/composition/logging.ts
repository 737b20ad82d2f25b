/** Never log these, whatever object they turn up in. */
export const REDACT = [
  'apiKey',
  '*.apiKey',
  'appSecret',
  '*.appSecret',
  'sessionSecret',
  '*.sessionSecret',
  'adminToken',
  '*.adminToken',
  'req.headers.authorization',
  'token',
  '*.token',
  'session_key',
  '*.session_key',
  'passphrase',
  '*.passphrase',
] as const;
