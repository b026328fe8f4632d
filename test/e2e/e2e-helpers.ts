/**
 * Small wrappers over the official SDKs so the e2e tests read like MPS calls. Each client kind
 * is driven exactly as a user would drive it; only the endpoint points at the local service.
 */
import { QuerySnapshotJobListRequest, SubmitSnapshotJobRequest } from '@alicloud/mts20140618';
import type { LocalService } from '../../runtime/entry/local-server';
import { mtsClient, popClient } from '../support/clients';

export type ClientKind = 'mts-v3' | 'mts-v2' | 'pop-get' | 'pop-post';
export const CLIENT_KINDS: ClientKind[] = ['mts-v3', 'mts-v2', 'pop-get', 'pop-post'];

/** The job as the SDK hands it back, normalised to the wire's PascalCase names. */
export type WireJob = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface SubmitParams {
  Input: string;
  SnapshotConfig: string;
  PipelineId?: string;
  UserData?: string;
}

/** Thrown-error shape common to both SDKs. */
export interface SdkError {
  code: string;
  message: string;
  statusCode?: number;
}

export function oss(svc: LocalService, bucket: string, object: string): Record<string, string> {
  return { Bucket: bucket, Location: `oss-${svc.region}`, Object: object };
}

/** tea models use camelCase; turn them back into the wire names the API returned. */
function teaToWire(m: unknown): unknown {
  if (Array.isArray(m)) return m.map(teaToWire);
  if (!m || typeof m !== 'object') return m;
  const model = m as { toMap?: () => Record<string, unknown> };
  return typeof model.toMap === 'function' ? model.toMap() : m;
}

export async function submit(svc: LocalService, kind: ClientKind, p: SubmitParams): Promise<WireJob> {
  if (kind === 'mts-v3' || kind === 'mts-v2') {
    const client = mtsClient(svc, kind === 'mts-v2' ? { signatureAlgorithm: 'v2' } : {});
    const res = await client.submitSnapshotJob(
      new SubmitSnapshotJobRequest({ input: p.Input, snapshotConfig: p.SnapshotConfig, pipelineId: p.PipelineId, userData: p.UserData }),
    );
    return teaToWire(res.body!.snapshotJob) as WireJob;
  }
  const params: Record<string, string> = { Input: p.Input, SnapshotConfig: p.SnapshotConfig };
  if (p.PipelineId !== undefined) params.PipelineId = p.PipelineId;
  if (p.UserData !== undefined) params.UserData = p.UserData;
  const body = await popClient(svc).request<{ SnapshotJob: WireJob }>('SubmitSnapshotJob', params, kind === 'pop-post' ? { method: 'POST' } : {});
  return body.SnapshotJob;
}

export interface QueryResult {
  jobs: WireJob[];
  nonExist: string[];
  nextPageToken?: string;
}

export async function query(svc: LocalService, kind: ClientKind, params: Record<string, string>): Promise<QueryResult> {
  if (kind === 'mts-v3' || kind === 'mts-v2') {
    const client = mtsClient(svc, kind === 'mts-v2' ? { signatureAlgorithm: 'v2' } : {});
    const req = new QuerySnapshotJobListRequest({
      snapshotJobIds: params.SnapshotJobIds,
      pipelineId: params.PipelineId,
      state: params.State,
      startOfJobCreatedTimeRange: params.StartOfJobCreatedTimeRange,
      endOfJobCreatedTimeRange: params.EndOfJobCreatedTimeRange,
      nextPageToken: params.NextPageToken,
      maximumPageSize: params.MaximumPageSize === undefined ? undefined : Number(params.MaximumPageSize),
    });
    const res = await client.querySnapshotJobList(req);
    const wire = teaToWire(res.body) as WireJob;
    return {
      jobs: wire.SnapshotJobList?.SnapshotJob ?? [],
      nonExist: wire.NonExistSnapshotJobIds?.String ?? [],
      nextPageToken: wire.NextPageToken,
    };
  }
  const body = await popClient(svc).request<WireJob>('QuerySnapshotJobList', params, kind === 'pop-post' ? { method: 'POST' } : {});
  return { jobs: body.SnapshotJobList?.SnapshotJob ?? [], nonExist: body.NonExistSnapshotJobIds?.String ?? [], nextPageToken: body.NextPageToken };
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: SdkError };

/** The result of an SDK call, or its error in the shape common to both SDKs. */
export async function settle<T>(p: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    const err = e as { code?: string; message?: string; statusCode?: number; data?: { Code?: string; statusCode?: number } };
    return { ok: false, error: { code: err.code ?? err.data?.Code ?? 'unknown', message: err.message ?? String(e), statusCode: err.statusCode ?? err.data?.statusCode } };
  }
}

/** Resolves with the SDK error of a call that must fail. */
export async function failure(p: Promise<unknown>): Promise<SdkError> {
  const outcome = await settle(p);
  if (outcome.ok) throw new Error('the call succeeded but was expected to fail');
  return outcome.error;
}

/** The job once its announcement is recorded (`MNSMessageResult`), which follows the final state. */
export async function waitForAnnounced(svc: LocalService, jobId: string, kind: ClientKind = 'mts-v3', timeoutMs = 30000): Promise<WireJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await waitForFinal(svc, jobId, timeoutMs, kind);
    if (job.MNSMessageResult?.MessageId) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} not announced after ${timeoutMs} ms: ${JSON.stringify(job.MNSMessageResult)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function waitForFinal(svc: LocalService, jobId: string, timeoutMs = 30000, kind: ClientKind = 'mts-v3'): Promise<WireJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { jobs } = await query(svc, kind, { SnapshotJobIds: jobId });
    const job = jobs[0];
    if (job && (job.State === 'Success' || job.State === 'Fail')) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job?.State} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
