import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Redis Cluster and Sentinel set-ups made of throwaway redis-server processes on private ports, in a temporary folder:
 * the shared Redis on 6379 is never touched. Each server can be killed (SIGKILL, as a crash) on its own.
 */

export interface RedisNode {
  readonly port: number;
  readonly alive: boolean;
  /** SIGKILL; resolves once the process has exited. */
  kill(): Promise<void>;
}

export interface PrivateCluster {
  /** Masters first, then replicas (when asked for). */
  readonly nodes: readonly RedisNode[];
  /** The seed list as REDIS_CLUSTER_NODES takes it. */
  readonly seeds: string;
  /** The node that serves `slot` as master now (asked of any living node). */
  masterOf(slot: number): RedisNode;
  stop(): Promise<void>;
}

export interface PrivateSentinel {
  readonly master: RedisNode;
  readonly replica: RedisNode;
  readonly sentinels: readonly RedisNode[];
  readonly masterName: string;
  /** The sentinel list as REDIS_SENTINELS takes it. */
  readonly addresses: string;
  stop(): Promise<void>;
}

/** Why redis-server and redis-cli cannot be run here, or undefined when they can. */
export function redisBinariesUnavailable(): string | undefined {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    execFileSync('redis-cli', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'redis-server or redis-cli is not on PATH (apt-get install -y redis-server)';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Free ports below 55536 whose +10000 is free too: a cluster node also listens on its port + 10000 (the cluster bus),
 * which an ephemeral port near 65535 would not have.
 */
async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (ports.some((p) => Math.abs(p - port) < 2)) continue;
    if ((await portFree(port)) && (await portFree(port + 10_000))) ports.push(port);
  }
  return ports;
}

/** Sends one inline command and resolves with the raw reply (enough for PING, INFO, CLUSTER INFO), or undefined. */
export function ask(port: number, command: string, timeoutMs = 1_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let data = '';
    let expected = -1;
    const done = (reply: string | undefined): void => {
      socket.destroy();
      resolve(reply);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString();
      if (data.startsWith('$')) {
        const header = data.indexOf('\r\n');
        if (expected < 0 && header > 0) expected = header + 2 + Number(data.slice(1, header)) + 2;
        if (expected >= 0 && Buffer.byteLength(data) >= expected) done(data);
      } else if (data.endsWith('\r\n') && !data.startsWith('*')) {
        done(data);
      } else if (data.startsWith('*')) {
        // Arrays (SENTINEL replies): wait for quiet instead of parsing.
        setTimeout(() => done(data), 50);
      }
    });
    socket.connect(port, '127.0.0.1', () => socket.write(`${command}\r\n`));
  });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

function startServer(args: readonly string[], port: number): RedisNode {
  const child: ChildProcess = spawn('redis-server', [...args], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    port,
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

const COMMON = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--protected-mode', 'no'];

/**
 * A Redis Cluster of `masters` masters (at least 3) and `replicasPerMaster` replicas each, created with
 * `redis-cli --cluster create`. `nodeTimeoutMs` is how long a silent master takes to be declared failed.
 */
export async function startPrivateCluster(
  options: { masters?: number; replicasPerMaster?: number; nodeTimeoutMs?: number } = {},
): Promise<PrivateCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicasPerMaster ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-cluster-'));
  const ports = await freePorts(masters * (1 + replicas));
  const nodes = ports.map((port) =>
    startServer(
      [
        '--port',
        String(port),
        ...COMMON,
        '--dir',
        dir,
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--cluster-node-timeout',
        String(options.nodeTimeoutMs ?? 1_000),
      ],
      port,
    ),
  );
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports)
      await until(`cluster node ${port} answers`, async () => (await ask(port, 'PING'))?.startsWith('+PONG') ?? false);
    execFileSync(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', String(replicas), '--cluster-yes'],
      { stdio: 'ignore', timeout: 30_000 },
    );
    for (const port of ports) {
      await until(
        `cluster node ${port} reports state ok`,
        async () => (await ask(port, 'CLUSTER INFO'))?.includes('cluster_state:ok') ?? false,
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const masterOf = (slot: number): RedisNode => {
    const living = nodes.find((n) => n.alive);
    if (!living) throw new Error('no cluster node is alive');
    // CLUSTER SHARDS would be nicer; CLUSTER NODES is in every version: "<id> <ip:port@bus> <flags> ... <slots...>".
    const table = execFileSync('redis-cli', ['-p', String(living.port), 'CLUSTER', 'NODES'], { encoding: 'utf8' });
    for (const line of table.trim().split('\n')) {
      const fields = line.split(' ');
      if (!fields[2]?.includes('master') || fields[2].includes('fail')) continue;
      const port = Number(fields[1]?.split('@')[0]?.split(':')[1]);
      for (const range of fields.slice(8)) {
        const [from, to] = range.split('-').map(Number);
        if (from !== undefined && slot >= from && slot <= (to ?? from)) {
          const node = nodes.find((n) => n.port === port);
          if (node) return node;
        }
      }
    }
    throw new Error(`no master serves slot ${slot}`);
  };
  return { nodes, seeds: ports.map((p) => `127.0.0.1:${p}`).join(','), masterOf, stop };
}

/**
 * A master, one replica and three Sentinels (quorum 2) watching it as `wxpay-test`. `downAfterMs` is how long a
 * silent master takes to be declared down; the failover follows within a second or two.
 */
export async function startPrivateSentinel(options: { downAfterMs?: number } = {}): Promise<PrivateSentinel> {
  const masterName = 'wxpay-test';
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-sentinel-'));
  const [masterPort, replicaPort, ...sentinelPorts] = await freePorts(5);
  const master = startServer(['--port', String(masterPort), ...COMMON, '--dir', dir], masterPort!);
  const replica = startServer(
    ['--port', String(replicaPort), ...COMMON, '--dir', dir, '--replicaof', '127.0.0.1', String(masterPort)],
    replicaPort!,
  );
  const sentinels = sentinelPorts.map((port) => {
    // A Sentinel rewrites its configuration file as it learns the set-up: each needs its own, writable.
    const file = join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      file,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        'protected-mode no',
        `dir ${dir}`,
        `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 2`,
        `sentinel down-after-milliseconds ${masterName} ${options.downAfterMs ?? 1_000}`,
        `sentinel failover-timeout ${masterName} 5000`,
        `sentinel parallel-syncs ${masterName} 1`,
        '',
      ].join('\n'),
    );
    return startServer([file, '--sentinel'], port);
  });
  const all = [master, replica, ...sentinels];
  const stop = async (): Promise<void> => {
    await Promise.all(all.map((n) => n.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until(
      'the replica is in sync',
      async () => (await ask(replicaPort!, 'INFO replication'))?.includes('master_link_status:up') ?? false,
    );
    for (const s of sentinels) {
      await until(`sentinel ${s.port} knows the replica and the other sentinels`, async () => {
        const info = await ask(s.port, `SENTINEL MASTER ${masterName}`);
        return info !== undefined && /num-slaves\r\n\$1\r\n1\r\n/.test(info) && /num-other-sentinels\r\n\$1\r\n2\r\n/.test(info);
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { master, replica, sentinels, masterName, addresses: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','), stop };
}
