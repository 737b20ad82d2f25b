/**
 * `npm run reconcile`: one reconciliation run from the command line, against the configured database and WeChat Pay
 * (in sandbox mode, the simulator of the service running on PORT). It builds the service's own container and runs
 * the job through the same code path and lease as the service's scheduled runs, so it never runs alongside one.
 * Prints the report as one JSON line.
 */
import 'reflect-metadata';
import { pino } from 'pino';
import { ConfigError, loadConfig } from './config.js';
import { buildContainer } from './container.js';
import { JobRunner } from './jobs.js';
import { openResources } from './resources.js';

try {
  const config = loadConfig(process.env);
  const logger = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const resources = await openResources(config, logger, { port: config.port, embedSimulator: false });
  const container = buildContainer(config, resources);
  try {
    const run = await new JobRunner(container).runUnderLease('reconcile-pending');
    console.log(
      JSON.stringify(
        run.ran ? { ran: true, report: run.value } : { ran: false, reason: 'another instance holds the reconciliation lease' },
      ),
    );
  } finally {
    await container.unbindAllAsync();
    await resources.close();
  }
} catch (error) {
  console.error(
    error instanceof ConfigError ? error.message : `reconciliation failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
}
