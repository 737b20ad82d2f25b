import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { describe, it } from 'vitest';

/** Where the integration suites find their servers; CI and developer machines run both on localhost. */
export const MARIADB_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type Service = 'mariadb' | 'redis';

const PROBE_TIMEOUT_MS = 2_000;

/**
 * Opens a TCP connection and waits for the server to prove what it is: MariaDB sends its handshake unasked (protocol
 * version 10), Redis answers PING with +PONG. Resolves undefined when it did, else the reason.
 */
function probe(url: string, hello: string | undefined, looksRight: (data: Buffer) => boolean): Promise<string | undefined> {
  const { hostname, port } = new URL(url);
  const host = hostname || '127.0.0.1';
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    let received = Buffer.alloc(0);
    const finish = (reason: string | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reason);
    };
    const timer = setTimeout(() => finish(`no answer from ${host}:${port} within ${PROBE_TIMEOUT_MS} ms`), PROBE_TIMEOUT_MS);
    socket.on('connect', () => hello !== undefined && socket.write(hello));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 5) finish(looksRight(received) ? undefined : `unexpected reply from ${host}:${port}`);
    });
    socket.on('error', (error) => finish(`${host}:${port} unreachable (${(error as NodeJS.ErrnoException).code ?? error.message})`));
  });
}

const probes: Record<Service, () => Promise<string | undefined>> = {
  mariadb: () => probe(MARIADB_URL, undefined, (data) => data[4] === 10),
  redis: () => probe(REDIS_URL, 'PING\r\n', (data) => data.toString('latin1').startsWith('+PONG')),
};

const cache = new Map<Service, Promise<string | undefined>>();

/** Why the services are unusable, or undefined when all answer. Probed once per test process. */
export async function unavailable(services: readonly Service[]): Promise<string | undefined> {
  const reasons = await Promise.all(
    services.map(async (s) => {
      if (!cache.has(s)) cache.set(s, probes[s]());
      const reason = await cache.get(s);
      return reason && `${s}: ${reason}`;
    }),
  );
  const missing = reasons.filter(Boolean);
  return missing.length > 0 ? missing.join('; ') : undefined;
}

export type Describe = (name: string, body: () => void) => void;

/**
 * `describe` when the services answer. Otherwise the suite is skipped with the reason printed, unless
 * REQUIRE_INTEGRATION=1 (CI), where it fails instead: CI must never pass by skipping.
 *
 *   const describeWith = await describeIfServices(['mariadb', 'redis']);
 *   describeWith('MikroOrderRepository on MariaDB', () => { ... });
 */
export async function describeIfServices(services: readonly Service[]): Promise<Describe> {
  return describeIfAvailable(services.join(' and '), await unavailable(services));
}

/**
 * `describe` when `reason` is undefined (what the suite needs is there). Otherwise the suite is skipped with the
 * reason printed, unless REQUIRE_INTEGRATION=1 (CI), where it fails instead: CI must never pass by skipping.
 */
export function describeIfAvailable(needs: string, reason: string | undefined): Describe {
  if (!reason) return (name, body) => describe(name, body);
  if (process.env.REQUIRE_INTEGRATION === '1') {
    return (name) =>
      describe(name, () => {
        it(`needs ${needs}`, () => {
          throw new Error(`REQUIRE_INTEGRATION=1 but ${reason}`);
        });
      });
  }
  return (name, body) => {
    console.warn(`[integration] skipping "${name}": ${reason} (set REQUIRE_INTEGRATION=1 to fail instead)`);
    describe.skip(name, body);
  };
}

/** Why the `openssl` command cannot be run, or undefined when it can (the mutual-TLS suite makes its PKI with it). */
export function opensslUnavailable(): string | undefined {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'the openssl command is not on PATH (apt-get install -y openssl)';
  }
}
