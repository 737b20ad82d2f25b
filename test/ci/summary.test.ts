/**
 * Issue 26 #1: CI's closing "N passed, N failed" line agrees with vitest's exit status. Each case is a scratch
 * project (the repository's node_modules linked in) run through `.ci/tests`, exactly as `.ci/run` runs the suite;
 * the line and the exit status are checked together.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'ci-summary-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface CiResult {
  status: number;
  /** The last line printed: the verdict. */
  line: string;
  output: string;
}

/** Runs `.ci/tests` in a new scratch project holding the given test files. */
function runCi(name: string, files: Record<string, string>): Promise<CiResult> {
  const dir = join(scratch, name);
  mkdirSync(join(dir, 'test'), { recursive: true });
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', scripts: { test: 'vitest run' } }));
  writeFileSync(join(dir, 'vitest.config.mjs'), "export default { test: { include: ['test/**/*.test.mjs'] } };\n");
  for (const [file, source] of Object.entries(files)) writeFileSync(join(dir, 'test', file), source);
  // The outer vitest's variables would make the inner one think it runs inside a worker.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VITEST|NODE_OPTIONS|TINYPOOL)/.test(key)));
  return new Promise((done) => {
    execFile('bash', [join(ROOT, '.ci', 'tests'), '0'], { cwd: dir, env }, (error, stdout, stderr) => {
      const lines = stdout.trimEnd().split('\n');
      const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ status, line: lines.at(-1) ?? '', output: `${stdout}\n${stderr}` });
    });
  });
}

const PASSING = `import { it, expect } from 'vitest';
it('adds', () => { expect(1 + 1).toBe(2); });
`;

describe.concurrent('.ci/tests: the verdict line agrees with the exit status (issue 26 #1)', () => {
  it('all passing: "N passed, 0 failed" and exit 0', async () => {
    const run = await runCi('passing', { 'a.test.mjs': PASSING });
    expect(run.line, run.output).toBe('1 passed, 0 failed');
    expect(run.status).toBe(0);
  });

  it('a throwing beforeAll: the hook and the tests it kept from running count as failed, exit 1', async () => {
    const run = await runCi('before-all', {
      'a.test.mjs': PASSING,
      'b.test.mjs': `import { describe, it, beforeAll, expect } from 'vitest';
describe('needs a server', () => {
  beforeAll(() => { throw new Error('server is down'); });
  it('one', () => { expect(1).toBe(1); });
  it('two', () => { expect(1).toBe(1); });
});
`,
    });
    expect(run.line, run.output).toBe('1 passed, 3 failed');
    expect(run.output).toContain('2 tests skipped by a failed beforeAll, 1 hook or load errors');
    expect(run.status).toBe(1);
  });

  it('a failing afterAll after passing tests: one failure, exit 1', async () => {
    const run = await runCi('after-all', {
      'a.test.mjs': `import { describe, it, afterAll, expect } from 'vitest';
describe('cleans up', () => {
  afterAll(() => { throw new Error('cleanup failed'); });
  it('works', () => { expect(1).toBe(1); });
});
`,
    });
    expect(run.line, run.output).toBe('1 passed, 1 failed');
    expect(run.status).toBe(1);
  });

  it('an unhandled rejection in a passing test: one failure, exit 1', async () => {
    const run = await runCi('unhandled', {
      'a.test.mjs': `import { it, expect } from 'vitest';
it('forgets a promise', () => { void Promise.reject(new Error('nobody awaited me')); expect(1).toBe(1); });
`,
    });
    expect(run.line, run.output).toBe('1 passed, 1 failed');
    expect(run.output).toContain('1 unhandled errors');
    expect(run.status).toBe(1);
  });

  it('a file that does not load, and a failed test: each counted', async () => {
    const run = await runCi('load-and-fail', {
      'a.test.mjs': `throw new Error('syntax of the times');\n`,
      'b.test.mjs': `import { it, expect } from 'vitest';
it('fails', () => { expect(1).toBe(2); });
it.skip('skipped on purpose is not a failure', () => {});
`,
    });
    expect(run.line, run.output).toBe('0 passed, 2 failed');
    expect(run.status).toBe(1);
  });
});

describe('.ci/summary.mjs: the line from the counts (issue 26 #1)', () => {
  /** Runs the printing half on a counts file (or none) and vitest's exit status. */
  function verdict(counts: object | undefined, vitestStatus: number, failedChecks: number) {
    const file = join(scratch, `counts-${Math.random().toString(36).slice(2)}.json`);
    if (counts) writeFileSync(file, JSON.stringify(counts));
    const run = spawnSync('node', [join(ROOT, '.ci', 'summary.mjs'), file, String(vitestStatus), String(failedChecks)], {
      encoding: 'utf8',
    });
    return { status: run.status, line: run.stdout.trimEnd().split('\n').at(-1) };
  }
  const clean = { passed: 5, failedTests: 0, skippedByFailedHook: 0, suiteErrors: 0, unhandledErrors: 0, unfinishedTests: 0 };

  it('failed checks (typecheck, lint, format) count next to passing tests', () => {
    expect(verdict(clean, 0, 2)).toEqual({ status: 1, line: '5 passed, 2 failed' });
  });

  it('vitest failing with nothing counted is still one failure', () => {
    expect(verdict(clean, 1, 0)).toEqual({ status: 1, line: '5 passed, 1 failed' });
  });

  it('no counts at all (vitest never finished) is one failure', () => {
    expect(verdict(undefined, 0, 0)).toEqual({ status: 1, line: '0 passed, 1 failed' });
  });

  it('clean counts and status 0 pass', () => {
    expect(verdict(clean, 0, 0)).toEqual({ status: 0, line: '5 passed, 0 failed' });
  });
});
