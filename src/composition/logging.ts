import { pino, type DestinationStream, type Logger } from 'pino';
import { logScrubber, type LogScrubber } from '../adapters/observability/log-redaction.js';
import { requestLogFields } from '../adapters/http/request-context.js';
import type { Config } from './config.js';
import { merchantSecrets } from './settings/merchants-settings.js';

/** Never log these, whatever object they turn up in (the scrubber below catches them anywhere else). */
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

/** Every credential the configuration holds as text: the scrubber replaces each wherever it would appear in a line. */
export function configuredSecrets(config: Config): string[] {
  const v3Key = config.wechat.v3?.credentials?.apiV3Key;
  return [
    config.wechat.appSecret,
    config.wechat.apiKey,
    config.wechat.certificate?.passphrase,
    v3Key?.toString('utf8'),
    config.sessionSecret,
    config.adminToken,
    config.metricsToken,
    config.eventsWebhook?.secret,
    // Every merchant's and mini-program's of MERCHANTS_FILE, as read at start (a reload's: learnLogSecrets).
    ...merchantSecrets(config.merchants),
  ].filter((s): s is string => s !== undefined);
}

/** Each logger createLogger made, with its scrubber: a reload tells it the secrets it read (learnLogSecrets). */
const scrubbers = new WeakMap<Logger, LogScrubber>();

/**
 * The process logger: JSON lines, and the request id on every line written while serving one. Every line, whoever
 * writes it, passes one scrubber (log-redaction.ts) before it is written: harmless query parameters only, credential
 * fields emptied wherever they are nested, and the configured secrets replaced.
 */
export function createLogger(level: string, secrets: readonly string[] = [], destination?: DestinationStream): Logger {
  const scrubber = logScrubber(secrets);
  const options = {
    level,
    redact: { paths: [...REDACT], censor: '[redacted]' },
    mixin: requestLogFields,
    hooks: { streamWrite: scrubber },
  };
  const logger = destination ? pino(options, destination) : pino(options);
  scrubbers.set(logger, scrubber);
  return logger;
}

/**
 * Secrets first read after start (a reload of MERCHANTS_FILE: a new merchant's keys, a new AppSecret) are replaced in
 * the lines `logger` and its children write from now on. A logger createLogger did not make (a test's) has no
 * scrubber to tell: false.
 */
export function learnLogSecrets(logger: Logger, secrets: readonly string[]): boolean {
  const scrubber = scrubbers.get(logger);
  scrubber?.learn(secrets);
  return scrubber !== undefined;
}
