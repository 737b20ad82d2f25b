import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  adaptNginxSite,
  freePort,
  httpsRequest,
  NGINX_SITE,
  nginxPrefix,
  ROOT,
  startNginx,
  throwAwayCertificate,
  type HttpsAnswer,
  type NginxPrefix,
} from './deploy-kit.js';
import { startService, type ServiceProcess } from './service-process.js';

/**
 * The scale-out layout of README › Deployment on one machine: N service processes on one database and one Redis
 * behind the shipped nginx site (only ports, certificate and log paths changed), and the WeChat Pay simulator as its
 * own process standing in for WeChat, notifying through nginx over HTTPS as WeChat does.
 */
export interface ScaledDeployment {
  /** nginx's HTTPS origin: what the mini-program and WeChat's notifies reach. */
  readonly base: string;
  readonly simUrl: string;
  readonly instances: ServiceProcess[];
  readonly accessLog: string;
  readonly prefix: NginxPrefix;
  /** One request through nginx, from another loopback address than nginx's. */
  send(path: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<HttpsAnswer>;
  /** Starts instance `index` again (after a kill) on the same port, so nginx's upstream finds it. */
  restart(index: number): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/** The mini-program's address: another loopback address than the one nginx and the services use. */
export const CLIENT_ADDRESS = '127.0.0.2';

interface SimulatorProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** `npm run sandbox` as its own process, trusting the throw-away CA so it can notify nginx over HTTPS. */
async function startSimulatorProcess(env: Record<string, string>): Promise<SimulatorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/cli.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', SANDBOX_PORT: '0', SANDBOX_DATA_DIR: mkdtempSync(join(tmpdir(), 'wxpay-sim-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the simulator did not start in 30 s:\n${seen}`));
    }, 30_000);
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('utf8');
      const m = /"type":"sandbox\.listening","url":"([^"]+)"/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the simulator exited with ${code}:\n${seen}`)));
  });
  // Keep reading its log, or its pipe fills and it blocks.
  child.stdout?.resume();
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function startScaledDeployment(options: {
  readonly count: number;
  /** The shared settings of every instance: DATABASE_URL, the REDIS_* mode, ADMIN_TOKEN… */
  readonly env: Record<string, string>;
  readonly simulatorTimeScale?: number;
}): Promise<ScaledDeployment> {
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-scaled-'));
  const certificate = await throwAwayCertificate(dir);
  const ca = readFileSync(certificate.certPath, 'utf8');
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const base = `https://127.0.0.1:${httpsPort}`;
  const sim = await startSimulatorProcess({
    NODE_EXTRA_CA_CERTS: certificate.certPath,
    SANDBOX_TIME_SCALE: String(options.simulatorTimeScale ?? 0.01),
  });
  const ports = await Promise.all(Array.from({ length: options.count }, () => freePort()));
  const envFor = (port: number): Record<string, string> => ({
    PORT: String(port),
    ADMIN_PORT: '0',
    TRUST_PROXY_HOPS: '1',
    WECHAT_BASE_URL: sim.url,
    WECHAT_LOGIN_BASE_URL: sim.url,
    WECHAT_NOTIFY_URL: `${base}/wechat/pay-notify`,
    WECHAT_REFUND_NOTIFY_URL: `${base}/wechat/refund-notify`,
    ...options.env,
  });
  const instances: ServiceProcess[] = [];
  let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
  const stop = async (): Promise<void> => {
    await nginx?.stop();
    await Promise.all(instances.map((i) => i.stop()));
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // One at a time: the first applies the migrations, the others find them done (they would wait on its lock anyway).
    for (const port of ports) instances.push(await startService(envFor(port)));
    const accessLog = join(dir, 'access.log');
    const site = adaptNginxSite(readFileSync(NGINX_SITE, 'utf8'), { httpPort, httpsPort, upstreamPort: ports, accessLog, ...certificate });
    const prefix = nginxPrefix(site);
    nginx = await startNginx(prefix, httpsPort);
    return {
      base,
      simUrl: sim.url,
      instances,
      accessLog,
      prefix,
      send: (path, init = {}) => httpsRequest(`${base}${path}`, { ca, localAddress: CLIENT_ADDRESS, ...init }),
      restart: async (index) => {
        const started = await startService(envFor(ports[index]!));
        instances[index] = started;
        return started;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A mini-program user whose every request goes through nginx. */
export class UserThroughNginx {
  token = '';
  uid = 0;

  constructor(private readonly deployment: ScaledDeployment) {}

  async login(): Promise<this> {
    const code = ((await (await fetch(`${this.deployment.simUrl}/control/code`, { method: 'POST' })).json()) as { code: string }).code;
    const answer = await this.deployment.send('/wechat/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    if (answer.status !== 200) throw new Error(`login through nginx: ${answer.status} ${answer.body}`);
    const data = (JSON.parse(answer.body) as { data: { token: string; uid: number } }).data;
    this.token = data.token;
    this.uid = data.uid;
    return this;
  }

  /** The prepay's HTTP answer, and the order's parameters when it succeeded. */
  async prepay(goodsId: number, paidType = 'WXPAY'): Promise<{ status: number; outTradeNo?: string; prepayId?: string }> {
    const answer = await this.deployment.send(`/wechat/prepay?goods_id=${goodsId}&paid_type=${paidType}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (answer.status !== 200) return { status: answer.status };
    const params = (JSON.parse(answer.body) as { data: { data: { package?: string; outTradeNo: string } } }).data.data;
    return {
      status: 200,
      outTradeNo: params.outTradeNo,
      ...(params.package === undefined ? {} : { prepayId: params.package.replace(/^prepay_id=/, '') }),
    };
  }

  /** The user pays in WeChat's cashier (the simulator), which then notifies through nginx. */
  async pay(prepayId: string): Promise<void> {
    const res = await fetch(`${this.deployment.simUrl}/control/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prepay_id: prepayId }),
    });
    if (!res.ok) throw new Error(`simulated payment failed: ${res.status} ${await res.text()}`);
  }
}
