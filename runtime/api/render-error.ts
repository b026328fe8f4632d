/**
 * The RPC error envelope: a non-2xx status and `RequestId`, `HostId`, `Code`, `Message`,
 * `Recommend`, in JSON or XML. Every error the API answers with goes through here.
 */
import { ThrottlingError, type SnapshotError } from '../core/errors';
import type { ApiResponse } from './http-types';
import { renderJson } from './render-json';
import { renderXml } from './render-xml';
import { CONTENT_TYPES, type ResponseFormat } from './response-format';

export interface ErrorContext {
  readonly requestId: string;
  readonly hostId: string;
  readonly format: ResponseFormat;
}

export function recommendUrl(code: string, requestId: string): string {
  return `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=Mts&requestId=${encodeURIComponent(requestId)}`;
}

export function renderError(error: SnapshotError, ctx: ErrorContext): ApiResponse {
  const body = {
    RequestId: ctx.requestId,
    HostId: ctx.hostId,
    Code: error.code,
    Message: error.message,
    Recommend: recommendUrl(error.code, ctx.requestId),
  };
  return {
    status: error.httpStatus,
    headers: {
      'content-type': CONTENT_TYPES[ctx.format],
      'x-acs-request-id': ctx.requestId,
      // The SDKs read it as the ThrottlingError's retryAfter, in milliseconds.
      ...(error instanceof ThrottlingError ? { 'x-acs-retry-after': String(error.retryAfterMs) } : {}),
    },
    body: ctx.format === 'xml' ? renderXml('Error', body) : renderJson(body),
  };
}
