/**
 * `npm run operator` at a real terminal (issue 21 #14): util-linux's `script` gives the command a pseudo-terminal, and
 * the test types at its prompts as a person would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { describeIfAvailable } from '../support/integration.js';
import { operatorCli } from '../support/operator-cli.js';
import { tempSqliteUrl } from '../support/service-process.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SCRIPT = '/usr/bin/script';
/** Commands still running when a test ends (one that waits at a prompt nobody answers): ended, never left behind. */
const running = new Set<ChildProcess>();

/** Runs the operator command on a terminal; each [prompt, line] types `line` once `prompt` has been shown. */
function atTerminal(databaseUrl: string, args: string, dialogue: readonly (readonly [string, string])[]) {
  return new Promise<{ code: number | null; shown: string }>((done, fail) => {
    const command = `${process.execPath} --import tsx src/composition/operator-cli.ts ${args}`;
    const child = spawn(SCRIPT, ['-qfec', command, '/dev/null'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', NODE_ENV: 'test' },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // its own process group: the command under `script` ends with it
    });
    running.add(child);
    let shown = '';
    let next = 0;
    let from = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      shown += chunk.toString('utf8');
      for (let step = dialogue[next]; step; step = dialogue[next]) {
        const at = shown.indexOf(step[0], from);
        if (at < 0) break;
        from = at + step[0].length;
        child.stdin.write(`${step[1]}\r`);
        next++;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (shown += chunk.toString('utf8')));
    child.once('error', fail);
    child.once('exit', (code) => {
      running.delete(child);
      done({ code, shown });
    });
  });
}

const describeWithScript = describeIfAvailable(
  'script (util-linux)',
  existsSync(SCRIPT) ? undefined : `no ${SCRIPT} (apt-get install -y bsdutils)`,
);

describeWithScript('operator command at a terminal', () => {
  afterEach(() => {
    for (const child of running) if (child.pid) process.kill(-child.pid, 'SIGKILL');
    running.clear();
  });

  it('refuses a short password when first typed and asks again, never echoes it, and prints Beijing time', async () => {
    const db = tempSqliteUrl();
    const run = await atTerminal(db, 'add alice --role admin', [
      ['password for alice: ', 'short'],
      ['password for alice: ', 'long-enough-1'],
      ['again: ', 'long-enough-2'],
      ['password for alice: ', 'long-enough-3'],
      ['again: ', 'long-enough-3'],
    ]);
    expect(run.code, run.shown).toBe(0);
    const lines = run.shown.split(/\r?\n/).filter((l) => l.trim() !== '');
    expect(lines.slice(0, -1)).toEqual([
      'password for alice: ',
      'a password has 10 to 200 characters: try again',
      'password for alice: ',
      'again: ',
      'the two passwords differ: try again',
      'password for alice: ',
      'again: ',
    ]);
    expect(run.shown).not.toMatch(/short|long-enough/);

    // The time printed is Beijing's, as the console shows it: the current instant, read as UTC+8.
    const printed = /^ok: alice +admin +active +created (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \+08:00$/.exec(lines.at(-1) ?? '')?.[1];
    expect(printed, lines.at(-1)).toBeDefined();
    const instant = Date.parse(`${printed?.replace(' ', 'T')}+08:00`);
    expect(Math.abs(instant - Date.now())).toBeLessThan(10 * 60_000);

    // `list` prints the same, Beijing time.
    const list = await operatorCli(db, ['list']);
    expect(list.stdout).toContain(`created ${printed} +08:00`);
  });
});
