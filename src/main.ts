/**
 * Composition root: reads the configuration, listens, opens the adapters the configuration names, and shuts down
 * gracefully. The only module that knows every adapter (through runtime.ts).
 */
import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { ConfigError, loadConfig, type Config } from './adapters/config.js';
import { startRuntime } from './adapters/runtime.js';
import { sandboxWalkthrough } from './adapters/walkthrough.js';

/** Never log these, whatever object they turn up in. */
const REDACT = [
  'apiKey', '*.apiKey', 'appSecret', '*.appSecret', 'sessionSecret', '*.sessionSecret', 'adminToken', '*.adminToken',
  'req.headers.authorization', 'token', '*.token', 'session_key', '*.session_key', 'passphrase', '*.passphrase',
];

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = pino({ level: config.logLevel, redact: { paths: REDACT, censor: '[redacted]' } });
  if (config.ephemeralSessionSecret) logger.warn('SESSION_SECRET is not set: using a random one, tokens end with this process');

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const runtime = await startRuntime(config, logger, port);
  server.on('request', runtime.app);
  server.keepAliveTimeout = 65_000;

  const baseUrl = `http://127.0.0.1:${port}`;
  logger.info({ port, gateway: config.gateway, database: config.databaseUrl.split(':')[0], redis: Boolean(config.redisUrl) }, 'listening');
  if (config.gateway === 'sandbox') process.stdout.write(sandboxWalkthrough(baseUrl));

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in 10 s; closing anyway');
      server.closeAllConnections();
    }, 10_000);
    force.unref();
    server.close(() => {
      void runtime.close().then(() => {
        logger.info('stopped');
        process.exit(0);
      });
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('wxpay-server failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
