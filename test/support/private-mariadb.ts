import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './private-redis.js';

/**
 * Two throwaway MariaDB servers (mariadb-install-db into temporary folders, private ports) in primary/replica
 * replication, for tests that fail a database over: the shared MariaDB on 3306 is never touched.
 */

const run = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface PrivateMariaDb {
  readonly port: number;
  readonly alive: boolean;
  /** Runs SQL as root through the mariadb client; resolves with its tab-separated output (or `name: value` lines). */
  sql(statement: string, vertical?: boolean): Promise<string>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

export interface ReplicatedPair {
  readonly primary: PrivateMariaDb;
  readonly replica: PrivateMariaDb;
  /** Makes the replica the primary: waits until it has applied what it received, stops replicating, allows writes. */
  promoteReplica(): Promise<void>;
  stop(): Promise<void>;
}

/** Why the pair cannot be started here, or undefined when it can. */
export function mariadbBinariesUnavailable(): string | undefined {
  for (const binary of ['mariadbd', 'mariadb-install-db', 'mariadb']) {
    try {
      execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' });
    } catch {
      return `${binary} is not on PATH (apt-get install -y mariadb-server mariadb-client)`;
    }
  }
  return undefined;
}

async function startServer(dir: string, serverId: number): Promise<PrivateMariaDb> {
  const port = await freePort();
  const data = join(dir, 'data');
  const user = process.getuid?.() === 0 ? ['--user=root'] : [];
  // Its own temporary folder: the bootstrap's temporary tables in the shared /tmp were once removed under it by
  // another process cleaning up there ("Could not remove temporary table", the install aborted).
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  await run(
    'mariadb-install-db',
    ['--no-defaults', `--datadir=${data}`, `--tmpdir=${tmp}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...user],
    {
      timeout: 60_000,
    },
  );
  const socket = join(dir, 'mariadb.sock');
  const child: ChildProcess = spawn(
    'mariadbd',
    [
      '--no-defaults',
      ...user,
      `--datadir=${data}`,
      `--tmpdir=${tmp}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${socket}`,
      `--pid-file=${join(dir, 'mariadb.pid')}`,
      `--server-id=${serverId}`,
      '--log-bin=binlog',
      '--binlog-format=ROW',
      '--log-slave-updates',
      // Small: two of these share a two-core machine with the service and the shared servers.
      '--innodb-buffer-pool-size=32M',
      '--innodb-log-file-size=16M',
      '--performance-schema=OFF',
      '--skip-name-resolve',
      '--max-connections=200',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const sql = async (statement: string, vertical = false): Promise<string> =>
    (
      await run('mariadb', ['--no-defaults', '-h127.0.0.1', `-P${port}`, '-uroot', vertical ? '-E' : '-NB', '-e', statement], {
        timeout: 30_000,
      })
    ).stdout;
  for (let i = 0; ; i++) {
    try {
      await sql('SELECT 1');
      break;
    } catch (error) {
      if (i > 300 || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`private mariadbd on port ${port} did not come up`, { cause: error });
      }
      await sleep(100);
    }
  }
  return {
    port,
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    sql,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * A primary and a replica following it by GTID (the replica read-only until promoted). `database` is created on the
 * primary (and so on the replica), with `user`/`password` allowed everything in it and nothing global: read_only
 * applies to it, as it does to a service's user in production (a SUPER user would write through read_only).
 */
export async function startReplicatedPair(database: string, user: string, password: string): Promise<ReplicatedPair> {
  const dirs = [mkdtempSync(join(tmpdir(), 'wxpay-mariadb-a-')), mkdtempSync(join(tmpdir(), 'wxpay-mariadb-b-'))];
  const started: PrivateMariaDb[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((s) => s.kill()));
    // Best effort: a server killed a moment ago may still be releasing its files, and the error worth seeing is the
    // one that made us stop.
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
  try {
    const servers = await Promise.allSettled([startServer(dirs[0]!, 1), startServer(dirs[1]!, 2)]);
    for (const s of servers) if (s.status === 'fulfilled') started.push(s.value);
    const failed = servers.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [primary, replica] = started as [PrivateMariaDb, PrivateMariaDb];
    await primary.sql(
      `CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl'; GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';` +
        `CREATE DATABASE ${database} CHARACTER SET utf8mb4;` +
        `CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY '${password}'; GRANT ALL ON ${database}.* TO '${user}'@'127.0.0.1';`,
    );
    // The replica starts from the primary's first binlog: it receives the users and the database too.
    await replica.sql(
      `SET GLOBAL read_only = ON; CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primary.port}, ` +
        `MASTER_USER='repl', MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos; START SLAVE;`,
    );
    for (let i = 0; !(await replica.sql(`SHOW DATABASES LIKE '${database}'`)).includes(database); i++) {
      if (i > 300) throw new Error('the replica did not receive the database');
      await sleep(100);
    }
    const promoteReplica = async (): Promise<void> => {
      // What it received, applied (the primary may be gone: only what reached the replica is waited for).
      for (let i = 0; i < 300; i++) {
        const status = await replica.sql('SHOW SLAVE STATUS', true);
        const field = (name: string): string | undefined => new RegExp(`^\\s*${name}: (.*)$`, 'm').exec(status)?.[1];
        if (field('Read_Master_Log_Pos') === field('Exec_Master_Log_Pos') && field('Master_Log_File') === field('Relay_Master_Log_File'))
          break;
        await sleep(50);
      }
      await replica.sql('STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = OFF;');
    };
    return { primary, replica, promoteReplica, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
