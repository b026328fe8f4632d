/**
 * The JSON message MPS publishes when a job ends (spec 6.2). MPS duplicates every key in
 * lower-camel and Pascal case, and consumers in the wild read either, so both are always written:
 *
 *   jobId/JobId, requestId/RequestId, type/Type ("Snapshot"), state/State,
 *   userData/UserData (when the job has UserData),
 *   on failure: code/Code, msg/Msg,
 *   on success: count/Count (a number), timeArray/TimeArray (capture times, ms, ascending),
 *   lastUrl/LastUrl and urlPattern/UrlPattern (when the caller gives them),
 *   tileCount/TileCount (a number, sprite jobs).
 *
 * MPS documents the success extras for multi-snapshot ("time points") jobs; they are written for
 * every successful job, since a single snapshot has a last URL and a count too.
 */
import type { SnapshotJob } from './model';

export function renderJobMessage(job: SnapshotJob, urls: { lastUrl?: string; urlPattern?: string }): string {
  const msg: Record<string, unknown> = {};
  const both = (camel: string, value: unknown) => {
    msg[camel] = value;
    msg[camel[0].toUpperCase() + camel.slice(1)] = value;
  };
  both('jobId', job.id);
  both('requestId', job.requestId);
  both('type', 'Snapshot');
  both('state', job.state);
  if (job.request.userData !== undefined) both('userData', job.request.userData);
  if (job.state === 'Fail') {
    both('code', job.code ?? 'InternalError');
    both('msg', job.message ?? '');
  }
  if (job.state === 'Success') {
    if (job.count !== undefined) both('count', job.count);
    if (job.tileCount !== undefined) both('tileCount', job.tileCount);
    if (job.timesMs !== undefined) both('timeArray', [...job.timesMs]);
    if (urls.lastUrl !== undefined) both('lastUrl', urls.lastUrl);
    if (urls.urlPattern !== undefined) both('urlPattern', urls.urlPattern);
  }
  return JSON.stringify(msg);
}
