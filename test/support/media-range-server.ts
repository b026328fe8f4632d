/**
 * A minimal HTTP server that serves one file with byte ranges (as OSS does for a signed URL) and
 * counts what it sends, so tests can check that a capture reads only part of a file.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface RangeServer {
  readonly url: string;
  readonly bytesSent: () => number;
  readonly requests: () => string[];
  close(): Promise<void>;
}

/**
 * `maxChunk` caps every answer (206 with a shorter Content-Range), as a CDN or a throttled origin
 * may; a reader must then ask again. It also keeps the count honest: with open-ended answers the
 * kernel's socket buffers absorb megabytes the reader never looks at.
 */
export async function startRangeServer(file: string, opts: { status?: number; maxChunk?: number } = {}): Promise<RangeServer> {
  const size = fs.statSync(file).size;
  let sent = 0;
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.headers.range ?? '(no range)'}`);
    if (opts.status) {
      res.writeHead(opts.status).end();
      return;
    }
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    let end = m && m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
    if (m && opts.maxChunk) end = Math.min(end, start + opts.maxChunk - 1);
    if (start >= size) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
      return;
    }
    const headers: http.OutgoingHttpHeaders = { 'Accept-Ranges': 'bytes', 'Content-Length': end - start + 1, 'Content-Type': 'video/mp4' };
    if (m) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    res.writeHead(m ? 206 : 200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = fs.createReadStream(file, { start, end, highWaterMark: 16 * 1024 });
    stream.on('data', (c) => (sent += (c as Buffer).length));
    stream.pipe(res);
    res.on('close', () => stream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/video.mp4?Expires=1&Signature=abc`,
    bytesSent: () => sent,
    requests: () => [...requests],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
