/**
 * The MPS RPC endpoint as one function from request to response: route, decode parameters,
 * authenticate, dispatch the action, render JSON or XML. It never throws: every failure becomes
 * an error body with a code and a RequestId; anything that is not a SnapshotError is logged and
 * answered as `InternalError`, so no internal detail leaks to the caller.
 */
import { randomUUID } from 'node:crypto';
import { Errors, isSnapshotError, type SnapshotError } from '../core/errors';
import type { Clock, IdSource } from '../core/ports';
import type { SnapshotService } from '../service/contract';
import { resolveAction, runAction } from './actions';
import { authenticate, DEFAULT_CLOCK_WINDOW_MS } from './authenticate';
import type { CredentialStore } from './credentials';
import type { ApiRequest, ApiResponse } from './http-types';
import { NonceCache, nonceTtlFor } from './nonce-cache';
import { readParameters } from './parameters';
import { claimNonce, type ReplayGuard } from './replay-guard';
import { renderError } from './render-error';
import { renderJson } from './render-json';
import { renderXml } from './render-xml';
import { chooseFormat, CONTENT_TYPES, formatBeforeParameters, type ResponseFormat } from './response-format';

export interface ApiHandlerDeps {
  readonly service: SnapshotService;
  readonly credentials: CredentialStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  /** Echoed as `HostId` in errors, e.g. `mts.cn-hangzhou.aliyuncs.com` or the local host:port. */
  readonly hostId: string;
  /** Replay protection; share one between handlers of the same process. @default a new NonceCache covering the clock window */
  readonly nonces?: NonceCache;
  /**
   * Replay protection across instances, asked after this process's own `nonces` accepted the
   * nonce (the cloud passes the Tablestore guard). @default - none: `nonces` alone
   */
  readonly replayGuard?: ReplayGuard;
  /** @default 15 minutes */
  readonly clockWindowMs?: number;
  /**
   * Accept requests on any path, not only `/` (behind a gateway or trigger that keeps a prefix).
   * The V3 signature still covers the path the client sent.
   * @default false
   */
  readonly anyPath?: boolean;
  /** Where unexpected failures go. @default console.error */
  readonly logError?: (message: string, cause: unknown) => void;
}

export type ApiHandler = (req: ApiRequest) => Promise<ApiResponse>;

export function createApiHandler(deps: ApiHandlerDeps): ApiHandler {
  const nonces = deps.nonces ?? new NonceCache({ ttlMs: nonceTtlFor(deps.clockWindowMs ?? DEFAULT_CLOCK_WINDOW_MS) });
  const logError = deps.logError ?? ((message: string, cause: unknown) => console.error(message, cause));
  const authContext = { credentials: deps.credentials, clock: deps.clock, nonces, clockWindowMs: deps.clockWindowMs };

  return async (req) => {
    const requestId = newRequestId(deps, logError);
    let format: ResponseFormat = formatBeforeParameters(req.rawQuery);
    try {
      if (req.readError) throw req.readError;
      if (req.method !== 'GET' && req.method !== 'POST') throw Errors.apiNotFound(`${req.method} ${req.path}`);
      if (!deps.anyPath && req.path !== '/') throw Errors.apiNotFound(`${req.method} ${req.path}`);
      const params = readParameters(req);
      format = chooseFormat(req.headers, params.all.get('Format'));
      const auth = authenticate(req, params, authContext);
      if (deps.replayGuard) await claimNonce(deps.replayGuard, auth.accessKeyId, auth.nonce, deps.clock.now().getTime());
      const action = resolveAction(req.headers, params, auth.scheme);
      const result = await runAction(action, params, deps.service, requestId);
      return {
        status: 200,
        headers: { 'content-type': CONTENT_TYPES[format], 'x-acs-request-id': requestId },
        body: format === 'xml' ? renderXml(result.rootName, result.body) : renderJson(result.body),
      };
    } catch (e) {
      return renderError(asSnapshotError(e, requestId, logError), { requestId, hostId: deps.hostId, format });
    }
  };
}

function asSnapshotError(e: unknown, requestId: string, logError: (m: string, c: unknown) => void): SnapshotError {
  if (isSnapshotError(e)) return e;
  logError(`[api] request ${requestId} failed unexpectedly`, e);
  return Errors.internal();
}

/** A broken id source must not turn into an unanswered request. */
function newRequestId(deps: ApiHandlerDeps, logError: (m: string, c: unknown) => void): string {
  try {
    return deps.ids.requestId();
  } catch (e) {
    logError('[api] the id source failed; using a random request id', e);
    return randomUUID().toUpperCase();
  }
}
