/**
 * Issue 26 #2: under REQUIRE_INTEGRATION=1 (CI) a suite whose tool is missing fails; it never vanishes as a skip.
 * The mutual-TLS refund suite is run in a child vitest whose PATH holds node and nothing else, so `openssl` is
 * missing there as on a bare machine.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const bin = mkdtempSync(join(tmpdir(), 'only-node-'));
symlinkSync(process.execPath, join(bin, 'node'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

function runMtlsSuite(requireIntegration: boolean): Promise<{ status: number; output: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(VITEST|NODE_OPTIONS|TINYPOOL|REQUIRE_INTEGRATION)/.test(key)),
  );
  const args = [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/integration/wechatpay-mtls.int.test.ts'];
  return new Promise((done) => {
    execFile(
      join(bin, 'node'),
      args,
      { cwd: ROOT, env: { ...env, PATH: bin, ...(requireIntegration ? { REQUIRE_INTEGRATION: '1' } : {}) } },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ status, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

it('without openssl, REQUIRE_INTEGRATION=1 fails the mutual-TLS suite and says why', async () => {
  const run = await runMtlsSuite(true);
  expect(run.output).toContain('REQUIRE_INTEGRATION=1 but the openssl command is not on PATH');
  expect(run.status).toBe(1);
});

it('without openssl and without REQUIRE_INTEGRATION, the suite is skipped with the reason printed', async () => {
  const run = await runMtlsSuite(false);
  expect(run.output).toContain('skipping "refund over mutual TLS": the openssl command is not on PATH');
  expect(run.status).toBe(0);
});
