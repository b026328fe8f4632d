/// <reference lib="dom" />
/** Calls to the console's JSON routes (console-routes.ts). Errors carry the API's code and message. */
import type { Listing } from '../bucket-objects';
import type { JobSummary, JobView } from '../job-view';

export type { JobSummary, JobView, Listing };

export interface ConsoleInfo {
  readonly region: string;
  readonly location: string;
  readonly pipelineId: string;
  readonly inputBucket: string;
  readonly outputBucket: string;
  readonly sampleKey: string;
  readonly maxUploadBytes: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SubmitParams {
  Input: string;
  SnapshotConfig: string;
  PipelineId?: string;
}

const BASE = '/console/api/';

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const write = init.method !== undefined && init.method !== 'GET';
  const res = await fetch(BASE + path, { ...init, headers: { ...(write ? { 'x-snapshot-console': '1' } : {}), ...(init.headers ?? {}) } });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new ApiError(String(body.Code ?? res.status), String(body.Message ?? res.statusText));
  return body as T;
}

const query = (params: Record<string, string | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
};

let info: Promise<ConsoleInfo> | undefined;

export const api = {
  info: () => (info ??= call<ConsoleInfo>('info')),
  jobs: (params: { State?: string; PipelineId?: string; NextPageToken?: string; MaximumPageSize?: string }) =>
    call<{ jobs: JobSummary[]; nextPageToken?: string }>(`jobs${query(params)}`),
  job: (id: string) => call<JobView>(`jobs/${encodeURIComponent(id)}`),
  validate: (p: SubmitParams) => call<{ valid: true; mode: 'sync' | 'async' }>('validate', { method: 'POST', body: JSON.stringify(p), headers: { 'content-type': 'application/json' } }),
  submit: (p: SubmitParams) => call<{ id: string; state: string }>('submit', { method: 'POST', body: JSON.stringify(p), headers: { 'content-type': 'application/json' } }),
  list: (bucket: string, prefix: string) => call<Listing>(`objects${query({ bucket, prefix })}`),
  upload: (bucket: string, key: string, file: Blob) =>
    call<{ bucket: string; key: string; size: number }>(`objects${query({ bucket, key })}`, { method: 'PUT', body: file, headers: { 'content-type': 'application/octet-stream' } }),
};
