/**
 * A byte-range HTTP file server standing in for OSS (which serves GET with `Range`, answers 206,
 * and advertises `Accept-Ranges: bytes`). It counts requests and the body bytes it actually sent,
 * so the bench can report how much of a file each strategy reads.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedRequest {
  method: string;
  path: string;
  range?: string;
  status: number;
  bytes: number;
}

export class RangeServer {
  private readonly server: http.Server;
  private readonly files = new Map<string, string>();
  readonly log: ServedRequest[] = [];
  private port = 0;

  constructor() {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Serves `file` at `/<name>` and returns its URL. */
  serve(name: string, file: string): string {
    this.files.set(`/${name}`, file);
    return `http://127.0.0.1:${this.port}/${encodeURIComponent(name)}`;
  }

  reset(): void {
    this.log.length = 0;
  }

  totals(): { requests: number; bytes: number } {
    return { requests: this.log.length, bytes: this.log.reduce((a, r) => a + r.bytes, 0) };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const urlPath = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const file = this.files.get(urlPath);
    const entry: ServedRequest = { method: req.method ?? 'GET', path: urlPath, range: req.headers.range, status: 0, bytes: 0 };
    this.log.push(entry);
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      entry.status = file ? 405 : 404;
      res.writeHead(entry.status).end();
      return;
    }
    const size = fs.statSync(file).size;
    let start = 0;
    let end = size - 1;
    let status = 200;
    if (req.headers.range) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range.trim());
      if (!m || (m[1] === '' && m[2] === '')) {
        entry.status = 416;
        res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
        return;
      }
      if (m[1] === '') {
        start = Math.max(0, size - Number(m[2]));
      } else {
        start = Number(m[1]);
        if (m[2] !== '') end = Math.min(size - 1, Number(m[2]));
      }
      if (start >= size || start > end) {
        entry.status = 416;
        res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
        return;
      }
      status = 206;
    }
    entry.status = status;
    const headers: http.OutgoingHttpHeaders = {
      'Accept-Ranges': 'bytes',
      'Content-Type': 'video/mp4',
      'Content-Length': end - start + 1,
    };
    if (status === 206) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    res.writeHead(status, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = fs.createReadStream(file, { start, end, highWaterMark: 64 * 1024 });
    // Counted as handed to the socket: a client that hangs up early is charged at most one
    // socket buffer more than it received.
    stream.on('data', (chunk) => {
      entry.bytes += chunk.length;
    });
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  }
}
