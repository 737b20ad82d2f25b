/**
 * `npm run reconcile`: one reconciliation run from the command line, against the configured database and WeChat Pay
 * (in sandbox mode, the simulator of the service running on PORT). Takes the same job lease as the service, so it
 * never runs alongside an instance's own run. Prints the report as one JSON line.
 */
import 'reflect-metadata';
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../config.js';
import { openCore, reconcileOnce } from '../runtime.js';

try {
  const config = loadConfig(process.env);
  const logger = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const core = await openCore(config, logger, { port: config.port, embedSimulator: false });
  try {
    const report = await reconcileOnce(core);
    console.log(JSON.stringify(report ? { ran: true, report } : { ran: false, reason: 'another instance holds the reconciliation lease' }));
  } finally {
    await core.close();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `reconciliation failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
