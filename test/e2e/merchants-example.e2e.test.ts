import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSandboxKeys } from '../../examples/merchants/sandbox-keys.js';
import { postJson } from '../support/mini-program.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/merchants');
const ADMIN_TOKEN = 'merchants-example-admin-token-01';

/** example.env's variables. */
const exampleEnv = (): Record<string, string> =>
  Object.fromEntries(
    readFileSync(join(EXAMPLE, 'example.env'), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

describe('examples/merchants: three shops on the simulator (v2 direct, v3 direct with the public key, v3 partner)', () => {
  let service: ServiceProcess;

  beforeAll(async () => {
    const folder = mkdtempSync(join(tmpdir(), 'wxpay-example-'));
    const dataDir = join(folder, 'data');
    copyFileSync(join(EXAMPLE, 'merchants.json'), join(folder, 'merchants.json'));
    exportSandboxKeys(dataDir, join(folder, 'keys'));
    service = await startService({ ...exampleEnv(), MERCHANTS_FILE: join(folder, 'merchants.json'), SANDBOX_DATA_DIR: dataDir, ADMIN_TOKEN });
  });
  afterAll(async () => service?.stop());

  it('starts every shop available, each with its mode and API', async () => {
    const res = await fetch(`${service.baseUrl}/admin/merchants`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const merchants = ((await res.json()) as { data: { id: string; mode: string; api_version: string; state: string; problems: string[] }[] }).data;
    expect(merchants.map((m) => [m.id, m.mode, m.api_version, m.state, m.problems])).toEqual([
      ['north', 'direct', 'v2', 'available', []],
      ['east', 'direct', 'v3', 'available', []],
      ['south', 'partner', 'v3', 'available', []],
    ]);
  });

  it('pays in the default mini-program’s shop (north, v2), the notify arriving at north’s own callback URL', async () => {
    const sim = async (path: string, body: unknown) => (await postJson<Record<string, unknown>>(`${service.baseUrl}/sandbox/wxpay${path}`, body));
    const { code } = (await sim('/control/code', {})) as { code: string };
    const login = (await postJson<{ data: { token: string } }>(`${service.baseUrl}/wechat/login`, { code })).data;
    const auth = { authorization: `Bearer ${login.token}` };
    const prepay = (await (await fetch(`${service.baseUrl}/wechat/prepay?goods_id=1`, { headers: auth })).json()) as {
      data: { data: { outTradeNo: string; package: string } };
    };
    const { outTradeNo, package: pkg } = prepay.data.data;
    await sim('/control/pay', { prepay_id: pkg.replace(/^prepay_id=/, '') });
    const paid = new Promise<string>((done) => {
      const onData = (chunk: Buffer): void => {
        const line = chunk.toString('utf8').split('\n').find((l) => l.includes('"url":"/wechat/pay-notify/north"') && l.includes('"status":200'));
        if (line) {
          service.child.stdout?.off('data', onData);
          done(line);
        }
      };
      service.child.stdout?.on('data', onData);
    });
    await paid;
    const status = (await (await fetch(`${service.baseUrl}/wechat/orders/${outTradeNo}`, { headers: auth })).json()) as { data: { status: string } };
    expect(status.data.status).toBe('SUCC');
  });
});
