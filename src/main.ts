/**
 * The process: reads the configuration, starts the server (src/composition is the composition root) and shuts it
 * down gracefully on SIGTERM/SIGINT.
 */
import 'reflect-metadata';
import { ConfigError, loadConfig, type Config } from './composition/config.js';
import { configuredSecrets, createLogger } from './composition/logging.js';
import { startServer } from './composition/server.js';
import { EXIT_CONFIGURATION, exitCodeOf } from './composition/startup-errors.js';
import { sandboxSimulators, sandboxWalkthrough } from './composition/walkthrough.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(EXIT_CONFIGURATION);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, configuredSecrets(config));
  if (config.ephemeralSessionSecret) logger.warn('SESSION_SECRET is not set: using a random one, tokens end with this process');

  const server = await startServer(config, logger);
  const selfUrl = `http://127.0.0.1:${server.port}`;
  const simulators = config.gateway === 'sandbox' ? sandboxSimulators(config, selfUrl) : undefined;
  logger.info(
    {
      port: server.port,
      host: config.host,
      ...(server.adminPort === undefined ? {} : { adminPort: server.adminPort, adminHost: config.adminListener?.host }),
      gateway: config.gateway,
      api: config.apiVersion,
      database: config.databaseUrl.split(':')[0],
      redis: config.redis?.mode ?? false,
      ...(simulators ? { simulator: simulators } : {}),
    },
    'listening',
  );
  if (config.gateway === 'sandbox') {
    if (!['127.0.0.1', '::1', 'localhost'].includes(config.host)) {
      logger.warn(
        { host: config.host },
        'sandbox mode on a non-loopback address: the simulator control API (/sandbox/wxpay/control) lets anyone who reaches it log in as any user and mark orders paid',
      );
    }
    process.stdout.write(sandboxWalkthrough(selfUrl, config.apiVersion, simulators));
  }

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    void server.stop().then(() => {
      logger.info('stopped');
      process.exit(0);
    });
  };
  // SIGHUP reads MERCHANTS_FILE again: a file that does not validate changes nothing (logged and alerted).
  process.on('SIGHUP', () => void server.reloadMerchants('SIGHUP'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('wxpay-server failed to start:', error instanceof Error ? error.message : error);
  process.exit(exitCodeOf(error));
});
