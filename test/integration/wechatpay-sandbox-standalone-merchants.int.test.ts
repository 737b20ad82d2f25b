import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

function run(env: Record<string, string>): { proc: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const proc = spawn(TSX, ['src/sandbox/cli.ts'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'development', SANDBOX_PORT: '0', ...env },
  });
  let output = '';
  proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  child = proc;
  return { proc, output: () => output, exited };
}

describe('npm run sandbox with SANDBOX_MERCHANTS_FILE', () => {
  it('stands in for every merchant and provider the file lists, each with its own v3 keys in the data folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-sandbox-merchants-'));
    const file = join(dataDir, 'merchants.json');
    writeFileSync(
      file,
      JSON.stringify({
        merchants: [{ mchId: '1900000200', appIds: ['wx2000000000000001'], apiKey: 'northApiKey0123456789abcdefABCDE', v3: true }],
        providers: [
          { spMchId: '1900000300', spAppId: 'wx3000000000000000', v3: true, subMerchants: [{ subMchId: '1900000311', subAppIds: [] }] },
        ],
      }),
    );
    const { proc, output, exited } = run({ SANDBOX_DATA_DIR: dataDir, SANDBOX_MERCHANTS_FILE: file });
    // Three identities (twelve RSA-2048 keys) are generated at first start: slow on a busy machine.
    const deadline = Date.now() + 45_000;
    let url: string | undefined;
    while (!url && Date.now() < deadline && proc.exitCode === null) {
      url = /"url":"([^"]+)"/.exec(output())?.[1];
      if (!url) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(url).toBeDefined();
    const keys = (await (await fetch(`${url}/control/keys`)).json()) as Record<string, Record<string, Record<string, unknown>>>;
    expect(keys.merchants?.['1900000200']).toMatchObject({ mchid: '1900000200', api_v3_key: expect.any(String) });
    expect(keys.providers?.['1900000300']).toMatchObject({ sp_mchid: '1900000300', sub_merchants: [{ sub_mchid: '1900000311' }] });
    expect(existsSync(join(dataDir, 'wechatpay-v3-sandbox-1900000200.json'))).toBe(true);
    expect(existsSync(join(dataDir, 'wechatpay-v3-sandbox-1900000300.json'))).toBe(true);
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);

  it('refuses a file that does not validate, naming the problem', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-sandbox-merchants-'));
    const file = join(dataDir, 'merchants.json');
    writeFileSync(file, JSON.stringify({ merchants: [{ mchId: '12', appIds: [] }] }));
    const { exited, output } = run({ SANDBOX_DATA_DIR: dataDir, SANDBOX_MERCHANTS_FILE: file });
    expect(await exited).toBe(2);
    expect(output()).toMatch(/SANDBOX_MERCHANTS_FILE .*merchants\.0\.mchId: a mch_id is 8 to 10 digits/);
  }, 30_000);
});
