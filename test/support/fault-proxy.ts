/**
 * An HTTP proxy in front of a protocol server (OSS, MNS) that injects the faults of a real network
 * and a real service: error answers (500/503 with the service's XML error), requests that hang
 * until the client gives up, and refused connections. The test switches the mode; requests a rule
 * does not match pass through unchanged, so signatures still verify end to end.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { readonly kind: 'pass' }
  /** Answers with this status and an error body in the OSS/MNS XML shape. */
  | { readonly kind: 'error'; readonly status: number; readonly code: string }
  /** Holds the request without an answer (the client times out). */
  | { readonly kind: 'hang' }
  /** Resets the connection. */
  | { readonly kind: 'reset' };

export class FaultProxy {
  fault: Fault = { kind: 'pass' };
  /** Which requests the fault applies to. @default all */
  applies: (method: string, path: string) => boolean = () => true;
  /** Requests that got a fault instead of an answer from the target. */
  faulted = 0;
  private readonly hung = new Set<http.ServerResponse>();
  private server!: http.Server;

  private constructor(private readonly target: URL) {}

  static async start(target: string): Promise<FaultProxy> {
    const proxy = new FaultProxy(new URL(target));
    proxy.server = http.createServer((req, res) => proxy.handle(req, res));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Back to normal; held requests are dropped (their clients gave up already). */
  heal(): void {
    this.fault = { kind: 'pass' };
    this.applies = () => true;
    for (const res of this.hung) res.destroy();
    this.hung.clear();
  }

  async close(): Promise<void> {
    this.heal();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const fault = this.fault;
    if (fault.kind !== 'pass' && this.applies(req.method ?? 'GET', req.url ?? '/')) {
      this.faulted++;
      req.resume();
      if (fault.kind === 'hang') {
        this.hung.add(res);
        return;
      }
      if (fault.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code><Message>injected fault</Message><RequestId>FAULT</RequestId><HostId>fault-proxy</HostId></Error>`;
      res.writeHead(fault.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const upstream = http.request(
      // Host names the server behind the proxy, as a reverse proxy sends it (the servers check it).
      { host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: { ...req.headers, host: this.target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }
}
