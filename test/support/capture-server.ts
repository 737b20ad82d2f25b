import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request exactly as it arrived on the wire. */
export interface CapturedRequest {
  readonly method: string;
  /** Path and query string, as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface CannedAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A small HTTP server that records every request and answers with what `answer` makes of it: to see the bytes an
 * adapter puts on the wire (over a real socket, through the adapter's own transport) and to feed it chosen answers.
 */
export class CaptureServer {
  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    readonly requests: CapturedRequest[],
  ) {}

  static async start(answer: (request: CapturedRequest) => CannedAnswer): Promise<CaptureServer> {
    const requests: CapturedRequest[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        requests.push(request);
        const { status, body, headers = {} } = answer(request);
        res.writeHead(status, headers).end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new CaptureServer(server, `http://127.0.0.1:${port}`, requests);
  }

  /** The one request made since the last call, or an error naming how many there were. */
  take(): CapturedRequest {
    const [only, ...rest] = this.requests.splice(0);
    if (!only || rest.length > 0) throw new Error(`expected one request, got ${rest.length + (only ? 1 : 0)}`);
    return only;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve, reject) => this.server.close((e) => (e ? reject(e) : resolve())));
  }
}
