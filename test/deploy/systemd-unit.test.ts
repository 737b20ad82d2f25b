import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeIfTool, run, ROOT, SYSTEMD_ANALYZE, SYSTEMD_UNIT, unitExecStart } from '../support/deploy-kit.js';

const describeWithSystemd = describeIfTool(SYSTEMD_ANALYZE, 'apt-get install -y systemd');

/** Issue 21, "test the kit with the real parts": the shipped unit is one systemd accepts without a warning. */
describeWithSystemd('the shipped systemd unit', () => {
  const unit = readFileSync(SYSTEMD_UNIT, 'utf8');

  it('passes systemd-analyze verify, with nothing to warn about', async () => {
    // verify checks that ExecStart's program exists: where Node is not at /usr/bin/node, point it at this one.
    const checked = existsSync('/usr/bin/node') ? unit : unit.replace(/^ExecStart=\/usr\/bin\/node /m, `ExecStart=${process.execPath} `);
    const dir = mkdtempSync(join(tmpdir(), 'wxpay-unit-'));
    const path = join(dir, 'wxpay-server.service');
    writeFileSync(path, checked);
    const { stdout, stderr } = await run(SYSTEMD_ANALYZE, ['verify', path], { env: { ...process.env, SYSTEMD_LOG_LEVEL: 'warning' } });
    // verify exits 0 on unknown keys and unparsable values; it only says so: what it says is the failure.
    expect(stderr + stdout).toBe('');
  });

  it('does not restart a configuration problem (exit 2), restarts a transient one', () => {
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^RestartPreventExitStatus=2$/m);
  });

  it('starts the build with the heap sizes npm start uses', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { config: { nodeFlags: string } };
    expect(unitExecStart(unit)).toEqual(['/usr/bin/node', ...pkg.config.nodeFlags.split(' '), 'dist/main.js']);
  });
});
