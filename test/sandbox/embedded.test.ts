import { existsSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { openEmbeddedSandbox, type EmbeddedSandboxOptions, type SandboxLog } from '../../src/sandbox/index.js';
import { ManualClock } from '../support/doubles/manual-clock.js';

const merchant = { appId: 'wxd930ea5d5a258f4f', mchId: '10000100', apiKey: '192006250b4c09247ec02edce69f6a2d', appSecret: 'secret' };

function options(dataDir: string, overrides: Partial<EmbeddedSandboxOptions> = {}): EmbeddedSandboxOptions & { lines: string[] } {
  const lines: string[] = [];
  const log: SandboxLog = (level, _event, message) => void lines.push(`${level} ${message}`);
  return {
    dataDir,
    merchant,
    clock: new ManualClock(),
    signatureClock: new ManualClock(),
    timeScale: 1,
    v3Keys: false,
    simulator: true,
    log,
    lines,
    ...overrides,
  };
}

/** A login code issued over the simulator's control API, as a tester would. */
async function issueLoginCode(router: express.Router): Promise<string> {
  const app = express().use('/sandbox/wxpay', router);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const answer = await fetch(`http://127.0.0.1:${port}/sandbox/wxpay/control/code`, { method: 'POST' });
    return ((await answer.json()) as { code: string }).code;
  } finally {
    server.close();
  }
}

describe('the embedded sandbox (what the composition root starts in sandbox mode)', () => {
  it('keeps the simulator state across a restart, in its data folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-embedded-'));
    const first = openEmbeddedSandbox(options(dataDir));
    const code = await issueLoginCode(first.simulator!.router);
    first.close();
    expect(existsSync(join(dataDir, `wechatpay-simulator-${merchant.mchId}.json`))).toBe(true);

    const second = openEmbeddedSandbox(options(dataDir));
    try {
      expect(JSON.stringify(second.simulator!.snapshot())).toContain(code);
    } finally {
      second.close();
    }
  });

  it('generates the API v3 keys once when asked, and a command-line run gets them without a simulator', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-embedded-'));
    const first = options(dataDir, { v3Keys: true });
    const server = openEmbeddedSandbox(first);
    server.close();
    expect(first.lines).toContain('info sandbox API v3 keys generated');
    expect(server.simulator?.v3Keys).toBeDefined();

    const cli = options(dataDir, { v3Keys: true, simulator: false });
    const keysOnly = openEmbeddedSandbox(cli);
    expect(keysOnly.simulator).toBeUndefined();
    expect(keysOnly.v3Identity?.merchant.serialNo).toBe(server.v3Identity?.merchant.serialNo);
    expect(cli.lines).toEqual([]);
  });

  it('without v3 keys asked for, generates none', () => {
    const sandbox = openEmbeddedSandbox(options(mkdtempSync(join(tmpdir(), 'wxpay-embedded-'))));
    sandbox.close();
    expect(sandbox.v3Identity).toBeUndefined();
    expect(sandbox.simulator?.v3Keys).toBeUndefined();
  });
});
