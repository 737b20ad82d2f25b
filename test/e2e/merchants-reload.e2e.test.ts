import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMerchantsFolder } from '../support/merchants-files.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

const ADMIN_TOKEN = 'merchants-reload-admin-token-0123';
const ENV = {
  NORTH_API_KEY: 'N0rthApiKey0123456789abcdefABCDE',
  WEST_API_KEY: 'WestApiKey0123456789abcdefABCDEF',
  NORTH_APP_SECRET: 'n',
  WEST_APP_SECRET: 'w',
};
const merchant = (id: string, mchId: string) => ({
  id,
  name: id,
  mode: 'direct',
  apiVersion: 'v2',
  mchId,
  v2: { apiKey: `env:${id.toUpperCase()}_API_KEY`, refunds: 'disabled' },
});
const mp = (appId: string, id: string, isDefault = false) => ({
  appId,
  name: id,
  appSecret: `env:${id.toUpperCase()}_APP_SECRET`,
  merchant: id,
  default: isDefault,
});
const TWO = {
  merchants: [merchant('north', '1900000109'), merchant('west', '1900000112')],
  miniPrograms: [mp('wx1111111111111111', 'north', true), mp('wx4444444444444444', 'west')],
};

describe('MERCHANTS_FILE in the running service: SIGHUP reloads it', () => {
  let service: ServiceProcess;
  let path: string;

  beforeAll(async () => {
    path = writeMerchantsFolder(TWO);
    service = await startService({ MERCHANTS_FILE: path, ADMIN_TOKEN, ...ENV });
  });
  afterAll(async () => service?.stop());

  const merchants = async () => {
    const res = await fetch(`${service.baseUrl}/admin/merchants`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return ((await res.json()) as { data: { id: string; state: string }[] }).data.map((m) => `${m.id}:${m.state}`);
  };

  /** Sends SIGHUP and resolves with the log line the reload writes (what it did, or why nothing changed). */
  function hangUp(): Promise<string> {
    return new Promise((resolve) => {
      const onData = (chunk: Buffer): void => {
        const line = chunk
          .toString('utf8')
          .split('\n')
          .find((l) => /"msg":"merchants (reloaded|file did not validate)/.test(l));
        if (!line) return;
        service.child.stdout?.off('data', onData);
        resolve(line);
      };
      service.child.stdout?.on('data', onData);
      service.child.kill('SIGHUP');
    });
  }

  it('starts with every merchant of the file, each with its own callback URL', async () => {
    expect(await merchants()).toEqual(['north:available', 'west:available']);
    const res = await fetch(`${service.baseUrl}/wechat/pay-notify/west`, {
      method: 'POST',
      body: '<xml><return_code>SUCCESS</return_code></xml>',
    });
    expect(await res.text()).toContain('FAIL');
  });

  it('swaps in a changed file on SIGHUP: a removed merchant is retired, not dropped', async () => {
    writeFileSync(path, JSON.stringify({ merchants: [TWO.merchants[0]], miniPrograms: [TWO.miniPrograms[0]] }));
    expect(await hangUp()).toContain('"msg":"merchants reloaded"');
    expect(await merchants()).toEqual(['north:available', 'west:retired']);
  });

  it('changes nothing on SIGHUP when the file does not validate, and logs why', async () => {
    writeFileSync(path, JSON.stringify({ merchants: [], miniPrograms: [] }));
    const line = await hangUp();
    expect(line).toContain('merchants: at least one merchant');
    expect(await merchants()).toEqual(['north:available', 'west:retired']);
  });
});
