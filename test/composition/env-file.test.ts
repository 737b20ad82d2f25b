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

  it('holds example values that make a valid production configuration together', () => {
    // An empty example (the v3 credentials) is one to fill in only when used.
    const env = Object.fromEntries(entries.filter((e) => e.value !== '').map((e) => [e.name, e.value]));
    const config = loadConfig(env);
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
