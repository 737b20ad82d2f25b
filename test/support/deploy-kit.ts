import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';
import type { Describe } from './integration.js';

/** The deploy kit as shipped: what a shop copies onto its server. */
export const ROOT = resolve(import.meta.dirname, '..', '..');
export const NGINX_SITE = join(ROOT, 'docs', 'deploy', 'nginx-wxpay.conf');
export const SYSTEMD_UNIT = join(ROOT, 'docs', 'deploy', 'wxpay-server.service');
export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
export const SYSTEMD_ANALYZE = process.env.SYSTEMD_ANALYZE_PATH ?? '/usr/bin/systemd-analyze';

export const run = promisify(execFile);

/**
 * `describe` when the tool is installed. Otherwise skipped with the reason printed, unless REQUIRE_INTEGRATION=1 (CI),
 * where it fails instead: the same convention as the MariaDB, Redis and Chromium suites.
 */
export function describeIfTool(path: string, install: string): Describe {
  if (existsSync(path)) return (name, body) => describe(name, body);
  const reason = `no ${path} (${install})`;
  if (process.env.REQUIRE_INTEGRATION === '1') {
    return (name) =>
      describe(name, () => {
        it(`needs ${path}`, () => {
          throw new Error(`REQUIRE_INTEGRATION=1 but ${reason}`);
        });
      });
  }
  return (name, body) => {
    console.warn(`[deploy] skipping "${name}": ${reason} (set REQUIRE_INTEGRATION=1 to fail instead)`);
    describe.skip(name, body);
  };
}

/** A port nothing listens on right now: bound, then closed. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, host, done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** A throw-away self-signed certificate for pay.example.com and 127.0.0.1, made by openssl. */
export async function throwAwayCertificate(dir: string): Promise<{ certPath: string; keyPath: string }> {
  const certPath = join(dir, 'fullchain.pem');
  const keyPath = join(dir, 'privkey.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=pay.example.com',
    '-addext',
    'subjectAltName=DNS:pay.example.com,IP:127.0.0.1',
    '-keyout',
    keyPath,
    '-out',
    certPath,
  ]);
  return { certPath, keyPath };
}

export interface SiteSubstitutions {
  readonly httpPort: number;
  readonly httpsPort: number;
  /** The service's port, or the ports of several instances (the upstream's one active server line becomes one each). */
  readonly upstreamPort: number | readonly number[];
  readonly certPath: string;
  readonly keyPath: string;
  readonly accessLog: string;
}

/**
 * The shipped site with only what a test machine must change: its ports (on loopback), the service's port, the
 * certificate and log paths. Each replacement must match exactly once, so a changed site fails here loudly instead
 * of being tested half-adapted.
 */
export function adaptNginxSite(site: string, s: SiteSubstitutions): string {
  const replacements: [RegExp, string][] = [
    [
      /^(\s*server\s+)127\.0\.0\.1:3000(\s[^;]*)?;/m,
      [s.upstreamPort]
        .flat()
        .map((port) => `$1127.0.0.1:${port}$2;`)
        .join('\n'),
    ],
    [/^(\s*listen\s+)80;/m, `$1127.0.0.1:${s.httpPort};`],
    [/^(\s*listen\s+)\[::\]:80;/m, `$1[::1]:${s.httpPort};`],
    [/^(\s*listen\s+)443( ssl[^;]*);/m, `$1127.0.0.1:${s.httpsPort}$2;`],
    [/^(\s*listen\s+)\[::\]:443( ssl[^;]*);/m, `$1[::1]:${s.httpsPort}$2;`],
    [/^(\s*ssl_certificate\s+)\S+;/m, `$1${s.certPath};`],
    [/^(\s*ssl_certificate_key\s+)\S+;/m, `$1${s.keyPath};`],
    [/^(\s*access_log\s+)\S+;/m, `$1${s.accessLog};`],
  ];
  return replacements.reduce((text, [pattern, replacement]) => {
    const global = new RegExp(pattern.source, 'gm');
    const count = [...text.matchAll(global)].length;
    if (count !== 1) throw new Error(`the shipped nginx site changed: ${pattern} matches ${count} times, expected once`);
    return text.replace(pattern, replacement);
  }, site);
}

export interface NginxPrefix {
  readonly dir: string;
  readonly conf: string;
  readonly errorLog: string;
}

/**
 * An nginx prefix in a temporary folder: a main configuration (pid, logs and temp paths inside it, workers as the
 * current user) that includes the adapted site, as Debian's nginx.conf includes sites-enabled.
 */
export function nginxPrefix(site: string): NginxPrefix {
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-nginx-'));
  mkdirSync(join(dir, 'logs'));
  mkdirSync(join(dir, 'temp'));
  writeFileSync(join(dir, 'wxpay.conf'), site);
  const errorLog = join(dir, 'logs', 'error.log');
  const user = userInfo();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    [
      // Run as root (as in a container), nginx would hand its workers to `nobody`, who cannot read this folder.
      ...(user.uid === 0 ? [`user ${user.username};`] : []),
      'daemon off;',
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${errorLog} info;`,
      'events { worker_connections 128; }',
      'http {',
      `  client_body_temp_path ${join(dir, 'temp', 'body')};`,
      `  proxy_temp_path ${join(dir, 'temp', 'proxy')};`,
      `  fastcgi_temp_path ${join(dir, 'temp', 'fastcgi')};`,
      `  uwsgi_temp_path ${join(dir, 'temp', 'uwsgi')};`,
      `  scgi_temp_path ${join(dir, 'temp', 'scgi')};`,
      `  include ${join(dir, 'wxpay.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  return { dir, conf, errorLog };
}

/** `nginx -t` on the prefix: exit code and what nginx said. */
export async function nginxTest(prefix: NginxPrefix): Promise<{ ok: boolean; output: string }> {
  try {
    const { stderr } = await run(NGINX, ['-t', '-p', prefix.dir, '-c', prefix.conf, '-e', prefix.errorLog]);
    return { ok: true, output: stderr };
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    return { ok: false, output: e.stderr ?? e.message };
  }
}

/** Starts nginx in the foreground on the prefix; resolves once it answers on `port`. */
export async function startNginx(prefix: NginxPrefix, port: number): Promise<{ child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(NGINX, ['-p', prefix.dir, '-c', prefix.conf, '-e', prefix.errorLog], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${stderr}${readFileSync(prefix.errorLog, 'utf8')}`);
    const listening = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        done(true);
      });
      socket.on('error', () => done(false));
    });
    if (listening) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not listen on ${port}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    stop: async () => {
      // SIGQUIT: nginx's graceful shutdown, which also removes its pid file.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
      await exited;
    },
  };
}

export interface HttpsAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * One HTTPS request through nginx, trusting only the throw-away certificate, sent from `localAddress` (another
 * loopback address than nginx's own, so the client's address and the proxy's differ, as on a real server).
 */
export function httpsRequest(
  url: string,
  options: { ca: string; localAddress: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<HttpsAnswer> {
  return new Promise((done, fail) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers ?? {}, ca: options.ca, localAddress: options.localAddress },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end(options.body);
  });
}

/** ExecStart of a unit, split into program and arguments (the shipped one quotes nothing). */
export function unitExecStart(unit: string): string[] {
  const line = /^ExecStart=(.+)$/m.exec(unit)?.[1];
  if (line === undefined) throw new Error('the unit has no ExecStart');
  return line.trim().split(/\s+/);
}

/**
 * The commands of the unit's install comment, in order: the lines between "# install," and the first blank comment
 * line, without their "#   " indentation.
 */
export function unitInstallSteps(unit: string): string[] {
  const lines = unit.split('\n');
  const start = lines.findIndex((line) => /^# .*\binstall\b.*:$/.test(line));
  if (start < 0) throw new Error('the unit has no install comment');
  const steps: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const step = /^# {3}(\S.*)$/.exec(line);
    if (!step) break;
    steps.push(step[1] as string);
  }
  return steps;
}
