import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from '../../src/composition/config.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const example = readFileSync(join(ROOT, '.env.example'), 'utf8').split('\n');
/** `KEY=value` or, commented out, `#KEY=value`; comments are `# text`. */
const VARIABLE = /^#?([A-Z][A-Z0-9_]*)=(.*)$/;

describe('.env.example (issue 14 §3)', () => {
  const entries = example.flatMap((line, index) => {
    const m = VARIABLE.exec(line);
    return m ? [{ name: m[1]!, value: m[2]!, index }] : [];
  });

  it('lists exactly the variables config.ts reads, once each', () => {
    expect(entries.map((e) => e.name).sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('explains each one: a comment above it or above its group', () => {
    for (const { name, index } of entries) {
      let above = index - 1;
      while (above >= 0 && VARIABLE.test(example[above]!)) above--;
      expect(example[above], name).toMatch(/^# \S/);
    }
  });

  // Issue 21 #3: production refuses every placeholder of .env.example; replaced by real values, they make a valid one.
  const PLACEHOLDERS = [
    'ADMIN_TOKEN',
    'METRICS_TOKEN',
    'SESSION_SECRET',
    'EVENTS_WEBHOOK_SECRET',
    'WECHAT_API_KEY',
    'WECHAT_APP_SECRET',
    'WECHAT_APPID',
    'WECHAT_MCH_ID',
    'WECHAT_NOTIFY_URL',
    'WECHAT_REFUND_NOTIFY_URL',
    'EVENTS_WEBHOOK_URL',
    'DATABASE_URL',
  ];
  const real: Record<string, string> = {
    ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    METRICS_TOKEN: randomBytes(24).toString('hex'),
    SESSION_SECRET: randomBytes(32).toString('hex'),
    EVENTS_WEBHOOK_SECRET: randomBytes(32).toString('hex'),
    WECHAT_API_KEY: randomBytes(16).toString('hex'),
    WECHAT_APP_SECRET: randomBytes(16).toString('hex'),
    WECHAT_APPID: 'wx5f3c2a9b7d1e4086',
    WECHAT_MCH_ID: '1612345678',
    WECHAT_NOTIFY_URL: 'https://pay.shop-under-test.cn/wechat/pay-notify',
    WECHAT_REFUND_NOTIFY_URL: 'https://pay.shop-under-test.cn/wechat/refund-notify',
    EVENTS_WEBHOOK_URL: 'https://shop-under-test.cn/hooks/wxpay',
    DATABASE_URL: 'mysql://wxpay:Kq8v2Rz4Wm7x@127.0.0.1:3306/wxpay',
  };
  // An empty example (the v3 credentials) is one to fill in only when used.
  const examples = (): Record<string, string> => Object.fromEntries(entries.filter((e) => e.value !== '').map((e) => [e.name, e.value]));

  it('holds placeholders production refuses, each named', () => {
    let message = '';
    try {
      loadConfig(examples());
    } catch (error) {
      message = (error as Error).message;
    }
    const named = message.split('\n').map((line) => line.trim().split(':')[0]);
    expect(PLACEHOLDERS.filter((name) => !named.includes(name))).toEqual([]);
  });

  it('holds example values that, placeholders replaced, make a valid production configuration together', () => {
    const config = loadConfig({ ...examples(), ...real });
    expect(config).toMatchObject({ production: true, gateway: 'wechat', migrateOnStart: false, adminListener: { port: 3001 } });
  });

  it('is mirrored by the README’s configuration table', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## HTTP API'));
    expect(CONFIG_VARIABLES.filter((name) => !table.includes(`\`${name}\``))).toEqual([]);
  });
});

describe('.env loading (npm start, dev, migrate, reconcile)', () => {
  const run = promisify(execFile);
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const loader = join(ROOT, 'src', 'load-env.ts');

  async function envSeen(dir: string, env: Record<string, string> = {}): Promise<Record<string, string | undefined>> {
    const { stdout } = await run(
      process.execPath,
      ['--import', tsx, '--import', loader, '-e', 'console.log(JSON.stringify({ a: process.env.WXPAY_T_A, b: process.env.WXPAY_T_B }))'],
      { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
    );
    return JSON.parse(stdout) as Record<string, string | undefined>;
  }

  it('reads .env from the working directory when there is one; the real environment wins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxpay-env-'));
    expect(await envSeen(dir)).toEqual({});
    writeFileSync(join(dir, '.env'), '# a comment\nWXPAY_T_A=from-file\nWXPAY_T_B="quoted value"\n');
    expect(await envSeen(dir)).toEqual({ a: 'from-file', b: 'quoted value' });
    expect(await envSeen(dir, { WXPAY_T_A: 'from-environment' })).toEqual({ a: 'from-environment', b: 'quoted value' });
  });

  it('is what the npm scripts that run the service load', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toContain('--import ./dist/load-env.js dist/main.js');
    for (const name of ['dev', 'migrate', 'reconcile']) expect(scripts[name]).toContain('--import ./src/load-env.ts');
  });
});
