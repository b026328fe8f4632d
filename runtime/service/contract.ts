/**
 * The boundary between the HTTP/API layer and the service: the API layer authenticates, picks
 * the action and renders; the service validates parameters, runs jobs and returns domain data.
 * Parameters arrive as the decoded strings the client sent (absent = undefined).
 */
import type { SnapshotJob } from '../core/model';

export interface SubmitSnapshotJobParams {
  readonly Input?: string;
  readonly SnapshotConfig?: string;
  readonly PipelineId?: string;
  readonly UserData?: string;
}

export interface QuerySnapshotJobListParams {
  readonly SnapshotJobIds?: string;
  readonly PipelineId?: string;
  readonly State?: string;
  readonly StartOfJobCreatedTimeRange?: string;
  readonly EndOfJobCreatedTimeRange?: string;
  readonly NextPageToken?: string;
  readonly MaximumPageSize?: string;
}

export interface QuerySnapshotJobListResult {
  readonly jobs: SnapshotJob[];
  /** Ids asked for that do not exist (omitted from the response when empty). */
  readonly nonExistIds: string[];
  readonly nextPageToken?: string;
}

export interface SnapshotService {
  /**
   * Sync requests resolve with the finished job (`Success`) or reject with the SnapshotError that
   * failed it (the job is stored as `Fail` either way). Async requests resolve at once with the job
   * in `Submitted` (or `Snapshoting`). Validation failures reject with a SnapshotError.
   */
  submitSnapshotJob(params: SubmitSnapshotJobParams, requestId: string): Promise<SnapshotJob>;
  querySnapshotJobList(params: QuerySnapshotJobListParams): Promise<QuerySnapshotJobListResult>;
}
