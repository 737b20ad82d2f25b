/**
 * `npm run reconcile`: one reconciliation run from the command line, against the configured database and WeChat Pay
 * (in sandbox mode, the simulator of the service running on PORT). It builds the service's own container and runs
 * the job through the same code path and lease as the service's scheduled runs, so it never runs alongside one.
 * Prints the report as one JSON line, then each problem with its cause on stderr; exits 1 when the run had errors
 * (what it could not settle stays for the next run) or could not run.
 */
import 'reflect-metadata';
import { errorCount } from '../application/reconciliation/reconcile-pending.js';
import { ConfigError, loadConfig } from './config.js';
import { buildContainer } from './container.js';
import { configuredSecrets, createLogger } from './logging.js';
import { JobRunner } from './jobs.js';
import { openResources } from './resources.js';

try {
  const config = loadConfig(process.env);
  // Logs go to stderr: stdout carries the one report line, for scripts to read.
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, configuredSecrets(config), process.stderr);
  const resources = await openResources(config, logger, { port: config.port, embedSimulator: false });
  const container = buildContainer(config, resources);
  try {
    const run = await new JobRunner(container).runUnderLease('reconcile-pending');
    if (!run.ran) {
      console.log(JSON.stringify({ ran: false, reason: 'another instance holds the reconciliation lease' }));
    } else {
      const report = run.value;
      console.log(JSON.stringify({ ran: true, report }));
      for (const { step, subject, cause } of report.problems) console.error(`${step} ${subject}: ${cause}`);
      const errors = errorCount(report);
      if (errors > 0) {
        console.error(`reconciliation finished with ${errors} error(s); they stay for the next run`);
        process.exitCode = 1;
      }
    }
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
