import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `npm run operator -- <args>` as its own process (through tsx, as npm runs it) against a database, with `input`
 * on stdin — how a password reaches it when stdin is not a terminal — or, as a function, an answer made from what
 * the command printed so far.
 */
export function operatorCli(
  databaseUrl: string,
  args: readonly string[],
  input: string | ((stdoutSoFar: string) => string | undefined) = '',
  env: Record<string, string> = {},
): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/composition/operator-cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', NODE_ENV: 'test', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let answered = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      // An answer that depends on what the command printed (a code for the secret it showed): given once it can be.
      const answer = typeof input === 'function' && !answered ? input(stdout) : undefined;
      if (answer === undefined) return;
      answered = true;
      child.stdin.end(answer);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', fail);
    child.once('exit', (code) => done({ code, stdout, stderr }));
    if (typeof input === 'string') child.stdin.end(input);
  });
}
