import { pino, type Logger } from 'pino';
import { requestLogFields } from '../adapters/http/request-context.js';

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

/** The process logger: JSON lines, secrets redacted, and the request id on every line written while serving one. */
export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: [...REDACT], censor: '[redacted]' }, mixin: requestLogFields });
}
