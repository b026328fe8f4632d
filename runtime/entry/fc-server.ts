/**
 * The Function Compute 3.0 custom-runtime server (bundled as index.js, port FC_SERVER_PORT or 9000).
 *
 * - role `api`: the HTTP trigger forwards each MPS call unchanged; every path serves the API.
 * - role `worker`: FC calls `POST /invoke` with the event `{"jobId":"..."}` the API function (or
 *   the sweep) passed to its asynchronous InvokeFunction; the job runs to a final state before the
 *   invocation answers. A job that fails is recorded as `Fail` and the invocation succeeds
 *   (retrying cannot help); an outage (job store unreachable) answers an error so FC's async
 *   retry policy runs it again. The timer trigger's event (payload `{"sweep":"stale-jobs"}`) runs
 *   the stale-job sweep instead (service/sweep-stale-jobs).
 *
 * FC control calls (`x-fc-control-path: /initialize`, `/pre-stop`) are answered 200.
 */
import * as http from 'node:http';
import { createApiHandler } from '../api/api-handler';
import { staticCredentials } from '../api/credentials';
import { answerClientError, MAX_HEADER_BYTES, readApiRequest, writeApiResponse } from '../api/node-http';
import { renderError } from '../api/render-error';
import { randomIds } from '../adapters/random-ids';
import { systemClock } from '../adapters/system-clock';
import { Errors } from '../core/errors';
import type { Clock } from '../core/ports';
import { defaultLog, describeError } from '../service/service-deps';
import type { ServiceLog } from '../service/service-deps';
import { createCloudReplayGuard, createCloudService } from './cloud-service';
import { readCloudConfig } from './config';
import type { CloudConfig } from './config';
import { jobIdsFromTriggerEvent, TriggerEventError } from './mns-trigger-event';
import { sweepRequestOf } from './timer-trigger-event';

function readBody(req: http.IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new TriggerEventError(`event larger than ${limit} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export interface FcServerOptions {
  /** Structured events of the server and the service. @default JSON lines on stderr */
  readonly log?: ServiceLog;
  /**
   * FC's invocation markers (`FC Invoke Start RequestId: ...`), by which its log console groups
   * the lines of one invocation. @default console.log
   */
  readonly print?: (line: string) => void;
  /** Time as the service sees it (job times, announcement back-off). @default the system clock */
  readonly clock?: Clock;
}

export function hostIdOf(cfg: CloudConfig): string {
  return `mts.${cfg.region}.aliyuncs.com`;
}

export function createFcRequestListener(cfg: CloudConfig, options: FcServerOptions = {}): http.RequestListener {
  const log = options.log ?? defaultLog;
  const print = options.print ?? ((line: string) => console.log(line));
  let credentials = cfg.cloudCredentials;
  const service = createCloudService(cfg, () => credentials, log, options.clock);
  const hostId = hostIdOf(cfg);
  const api = createApiHandler({
    service,
    credentials: staticCredentials(cfg.apiKeys),
    clock: systemClock,
    ids: randomIds,
    hostId,
    replayGuard: createCloudReplayGuard(cfg, () => credentials),
    // A custom domain may route a path prefix to the trigger; the V3 signature still covers the path.
    anyPath: true,
    logError: (message, cause) => log('api.internal-error', { message, error: describeError(cause) }),
  });

  return (req, res) => {
    const requestId = String(req.headers['x-fc-request-id'] ?? '');
    const control = String(req.headers['x-fc-control-path'] ?? '');
    const fresh = {
      accessKeyId: req.headers['x-fc-access-key-id'],
      accessKeySecret: req.headers['x-fc-access-key-secret'],
      securityToken: req.headers['x-fc-security-token'],
    };
    if (typeof fresh.accessKeyId === 'string' && typeof fresh.accessKeySecret === 'string' && fresh.accessKeyId && fresh.accessKeySecret) {
      credentials = {
        accessKeyId: fresh.accessKeyId,
        accessKeySecret: fresh.accessKeySecret,
        securityToken: typeof fresh.securityToken === 'string' ? fresh.securityToken : undefined,
      };
    }
    void (async () => {
      if (control === '/initialize' || control === '/pre-stop' || control === '/pre-freeze' || req.url === '/initialize') {
        await readBody(req).catch(() => Buffer.alloc(0));
        send(res, 200, {});
        return;
      }
      if (requestId) print(`FC Invoke Start RequestId: ${requestId}`);
      try {
        if (cfg.role === 'api') {
          writeApiResponse(res, await api(await readApiRequest(req)));
          return;
        }
        if (req.method !== 'POST' || !(req.url ?? '').startsWith('/invoke')) {
          send(res, 404, { error: 'the worker function only answers POST /invoke' });
          return;
        }
        const body = await readBody(req).catch((e: unknown) => e as Error);
        const sweep = body instanceof Buffer ? sweepRequestOf(body) : undefined;
        if (sweep) {
          log('worker.sweep', { requestId, trigger: sweep.triggerName, triggerTime: sweep.triggerTime });
          const report = await service.sweepStaleJobs({ staleAfterMs: cfg.staleJobMinutes * 60_000, maxRedispatches: cfg.staleJobMaxRedispatches });
          // The outbox: announcements no worker could send (MNS was down) are retried here.
          const announcements = await service.announcePending();
          send(res, 200, { sweep: report, announcements: { pending: announcements.pending, sent: announcements.sent.length, failed: announcements.failed.length } });
          return;
        }
        let ids: string[];
        try {
          if (!(body instanceof Buffer)) throw body;
          ids = jobIdsFromTriggerEvent(body);
        } catch (e) {
          // A malformed event carries no job to lose; failing would only make FC retry it.
          log('worker.bad-event', { requestId, error: String(e) });
          send(res, 200, { ignored: String(e) });
          return;
        }
        for (const id of ids) await service.runJob(id);
        // After its job the worker also sends announcements that are owed and due (an earlier
        // send failed); trouble there is the sweep's to retry, not a reason to redeliver the job.
        await service.announcePending().catch((e: unknown) => log('worker.announce-failed', { requestId, error: describeError(e) }));
        send(res, 200, { jobIds: ids });
      } catch (e) {
        log('fc.invoke-failed', { requestId, error: describeError(e) });
        if (res.headersSent) res.end();
        else if (cfg.role === 'api') {
          writeApiResponse(res, renderError(Errors.internal(), { requestId: randomIds.requestId(), hostId, format: 'json' }));
        } else {
          res.setHeader('x-fc-status', '404');
          send(res, 500, { error: 'internal error' });
        }
      } finally {
        if (requestId) print(`FC Invoke End RequestId: ${requestId}`);
      }
    })();
  };
}

export async function startFcServer(config?: CloudConfig, options: FcServerOptions = {}): Promise<http.Server> {
  const cfg = config ?? readCloudConfig();
  const print = options.print ?? ((line: string) => console.log(line));
  const server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, createFcRequestListener(cfg, options));
  server.on('clientError', (err: Error, socket) => answerClientError(err, socket, { hostId: hostIdOf(cfg), requestId: randomIds.requestId }));
  // FC keeps connections open between invocations; the sync deadline bounds API calls anyway.
  server.keepAliveTimeout = 600_000;
  server.requestTimeout = 0;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.port, '0.0.0.0', () => {
      print(JSON.stringify({ event: 'fc.listening', role: cfg.role, port: cfg.port, region: cfg.region }));
      resolve(server);
    });
  });
}

if (require.main === module) {
  startFcServer().catch((e) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
