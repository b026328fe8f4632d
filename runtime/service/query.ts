/** QuerySnapshotJobList: by ids (unknown ones reported), or by filter with paging. */
import { parseQueryRequest } from '../core/query-request';
import type { SnapshotJob } from '../core/model';
import type { JobStore } from '../core/ports';
import type { QuerySnapshotJobListParams, QuerySnapshotJobListResult } from './contract';

export async function querySnapshotJobList(params: QuerySnapshotJobListParams, jobs: JobStore): Promise<QuerySnapshotJobListResult> {
  const q = parseQueryRequest(params);
  if (q.kind === 'ids') {
    const found = await Promise.all(q.ids.map((id) => jobs.get(id)));
    return {
      jobs: found.filter((j): j is SnapshotJob => j !== undefined),
      nonExistIds: q.ids.filter((_, i) => found[i] === undefined),
    };
  }
  const page = await jobs.list({
    pipelineId: q.pipelineId,
    state: q.state,
    fromMs: q.fromMs,
    toMs: q.toMs,
    pageSize: q.pageSize,
    pageToken: q.pageToken,
  });
  return { jobs: page.jobs, nonExistIds: [], nextPageToken: page.nextPageToken };
}
