/**
 * Issue 21 #16: the served /openapi.json passes Redocly's `recommended` rules (@redocly/openapi-core, the linter
 * behind `redocly lint`) with no error, on every listener and configuration that changes the document: with and
 * without ADMIN_TOKEN, the admin listener of ADMIN_PORT, and METRICS_TOKEN.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConfig, lintFromString, type NormalizedProblem } from '@redocly/openapi-core';
import type { Express } from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/composition/config.js';
import { buildContainer } from '../../src/composition/container.js';
import { buildHttpApps, type HttpApps } from '../../src/composition/http.js';
import { JobRunner } from '../../src/composition/jobs.js';
import { openResources, type OpenedResources } from '../../src/composition/resources.js';
import { silentLogger } from '../support/test-container.js';

const ADMIN_TOKEN = 'lint-admin-token-0123456789abcdef';

async function served(app: Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const { port } = server.address() as { port: number };
    return await (await fetch(`http://127.0.0.1:${port}/openapi.json`)).text();
  } finally {
    server.close();
  }
}

/** Redocly's findings as `severity rule at pointer: message`, readable in a failed expectation. */
async function redoclyProblems(source: string): Promise<string[]> {
  const config = await createConfig({ extends: ['recommended'] });
  const problems: NormalizedProblem[] = await lintFromString({ source, absoluteRef: 'openapi.json', config });
  return problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer ?? '?'}: ${p.message}`);
}

describe("/openapi.json under Redocly's recommended rules", () => {
  const opened: OpenedResources[] = [];
  afterAll(async () => Promise.all(opened.map((r) => r.close())));

  async function apps(env: Record<string, string>): Promise<HttpApps> {
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'wxpay-lint-')), 'db.sqlite')}`,
      ...env,
    });
    const resources = await openResources(config, silentLogger, { port: 0, embedSimulator: true });
    opened.push(resources);
    return buildHttpApps(buildContainer(config, resources), resources, new JobRunner(buildContainer(config, resources)));
  }

  it.each([
    ['without ADMIN_TOKEN', {}],
    ['with ADMIN_TOKEN', { ADMIN_TOKEN }],
    ['with ADMIN_TOKEN and METRICS_TOKEN', { ADMIN_TOKEN, METRICS_TOKEN: 'lint-metrics-token-0123456789abcdef' }],
  ])('one listener %s: no problem', async (_name, env) => {
    const { public: app } = await apps(env);
    expect(await redoclyProblems(await served(app))).toEqual([]);
  });

  it('with ADMIN_PORT: the public and the admin listener, no problem in either', async () => {
    const { public: app, admin } = await apps({ ADMIN_TOKEN, ADMIN_PORT: '0' });
    expect(await redoclyProblems(await served(app))).toEqual([]);
    expect(await redoclyProblems(await served(admin!))).toEqual([]);
  });
});
