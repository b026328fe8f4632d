/**
 * QuerySnapshotJobList parameters → what to look up (spec 5): either up to ten job ids, or a paged
 * filter by pipeline, state and creation time. When `SnapshotJobIds` is given the filter
 * parameters are ignored, as MPS documents the two as alternatives.
 */
import type { QuerySnapshotJobListParams } from '../service/contract';
import { describeValue } from './describe-value';
import { Errors } from './errors';
import { readInteger } from './json-fields';
import type { JobState } from './model';

export type QueryRequest =
  | { kind: 'ids'; ids: string[] }
  | { kind: 'filter'; pipelineId?: string; state?: JobState; fromMs?: number; toMs?: number; pageSize: number; pageToken?: string };

export const MAX_QUERY_IDS = 10;
export const DEFAULT_PAGE_SIZE = 30;
export const MAX_PAGE_SIZE = 300;
const JOB_STATES: readonly JobState[] = ['Submitted', 'Snapshoting', 'Success', 'Fail'];
const ID = /^[0-9a-f]{32}$/;
const MPS_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

export function parseQueryRequest(params: QuerySnapshotJobListParams): QueryRequest {
  if (params.SnapshotJobIds !== undefined && params.SnapshotJobIds.trim() !== '') {
    return { kind: 'ids', ids: parseIds(params.SnapshotJobIds) };
  }
  const pipelineId = blankToUndefined(params.PipelineId);
  if (pipelineId !== undefined && !ID.test(pipelineId)) throw Errors.uuidFormatInvalid('PipelineId', pipelineId);
  const stateRaw = blankToUndefined(params.State);
  let state: JobState | undefined;
  if (stateRaw !== undefined) {
    state = JOB_STATES.find((s) => s === stateRaw);
    if (!state) {
      throw Errors.invalidParameter('State', `must be one of ${JOB_STATES.join(', ')} (spelled as MPS does), got ${describeValue(stateRaw)}.`);
    }
  }
  const fromMs = parseMpsTime('StartOfJobCreatedTimeRange', blankToUndefined(params.StartOfJobCreatedTimeRange));
  const endMs = parseMpsTime('EndOfJobCreatedTimeRange', blankToUndefined(params.EndOfJobCreatedTimeRange));
  // Times have whole-second resolution; the end bound includes every job created in its second.
  const toMs = endMs === undefined ? undefined : endMs + 999;
  if (fromMs !== undefined && endMs !== undefined && fromMs > endMs) {
    throw Errors.invalidParameter(
      'StartOfJobCreatedTimeRange',
      `${describeValue(params.StartOfJobCreatedTimeRange)} is after EndOfJobCreatedTimeRange ${describeValue(params.EndOfJobCreatedTimeRange)}.`,
    );
  }
  const pageSize = readInteger('MaximumPageSize', params.MaximumPageSize, { min: 1, max: MAX_PAGE_SIZE }) ?? DEFAULT_PAGE_SIZE;
  const pageToken = blankToUndefined(params.NextPageToken);
  return {
    kind: 'filter',
    pageSize,
    ...(pipelineId !== undefined ? { pipelineId } : {}),
    ...(state !== undefined ? { state } : {}),
    ...(fromMs !== undefined ? { fromMs } : {}),
    ...(toMs !== undefined ? { toMs } : {}),
    ...(pageToken !== undefined ? { pageToken } : {}),
  };
}

function parseIds(raw: string): string[] {
  const ids: string[] = [];
  for (const part of raw.split(',')) {
    const id = part.trim();
    if (id === '') continue;
    if (!ID.test(id)) throw Errors.uuidFormatInvalid('SnapshotJobIds', id);
    if (!ids.includes(id)) ids.push(id);
  }
  if (ids.length === 0) throw Errors.emptyValue('SnapshotJobIds');
  if (ids.length > MAX_QUERY_IDS) {
    throw Errors.invalidParameter('SnapshotJobIds', `lists ${ids.length} job ids, at most ${MAX_QUERY_IDS} are allowed per call.`);
  }
  return ids;
}

/** `YYYY-MM-DDThh:mm:ssZ` (UTC) → ms since the epoch; calendar-checked (no 2024-02-30). */
export function parseMpsTime(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = MPS_TIME.exec(raw.trim());
  if (m) {
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
    const ms = Date.UTC(y, mo - 1, d, h, mi, s);
    const back = new Date(ms);
    if (
      back.getUTCFullYear() === y &&
      back.getUTCMonth() === mo - 1 &&
      back.getUTCDate() === d &&
      back.getUTCHours() === h &&
      back.getUTCMinutes() === mi &&
      back.getUTCSeconds() === s
    ) {
      return ms;
    }
  }
  throw Errors.formatInvalid(name, `${describeValue(raw)} is not a UTC time in the form YYYY-MM-DDThh:mm:ssZ (e.g. 2024-05-19T03:11:48Z).`);
}

function blankToUndefined(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}
