/**
 * Which action a request asks for, and the two actions themselves: call the service, shape its
 * answer into the body the SDKs parse.
 */
import { Errors } from '../core/errors';
import type { SnapshotService } from '../service/contract';
import type { SignatureScheme } from './authenticate';
import type { RequestParameters } from './parameters';
import { toWireSnapshotJob } from './render-snapshot-job';

export const API_VERSION = '2014-06-18';

export const ACTIONS = ['SubmitSnapshotJob', 'QuerySnapshotJobList'] as const;
export type ActionName = (typeof ACTIONS)[number];

/**
 * V1 takes `Action`/`Version` from the signed parameters only (pop-core also sends
 * `x-acs-action`, unsigned). V3 signs the `x-acs-*` headers and the query, so either serves.
 */
export function resolveAction(
  headers: Readonly<Record<string, string>>,
  params: RequestParameters,
  scheme: SignatureScheme,
): ActionName {
  const fromHeader = scheme === 'v3' ? headers['x-acs-action'] : undefined;
  const action = fromHeader || params.all.get('Action');
  if (!action) throw Errors.missingParameter(scheme === 'v3' ? 'x-acs-action' : 'Action');
  const version = (scheme === 'v3' ? headers['x-acs-version'] : undefined) || params.all.get('Version');
  if (!version) throw Errors.missingParameter(scheme === 'v3' ? 'x-acs-version' : 'Version');
  if (version !== API_VERSION) throw Errors.unsupportedVersion(version);
  if (!(ACTIONS as readonly string[]).includes(action)) throw Errors.apiNotFound(action);
  return action as ActionName;
}

export interface ActionResult {
  /** The XML root element, `<Action>Response`. */
  readonly rootName: string;
  readonly body: Record<string, unknown>;
}

export async function runAction(
  action: ActionName,
  params: RequestParameters,
  service: SnapshotService,
  requestId: string,
): Promise<ActionResult> {
  const p = params.all;
  switch (action) {
    case 'SubmitSnapshotJob': {
      const job = await service.submitSnapshotJob(
        { Input: p.get('Input'), SnapshotConfig: p.get('SnapshotConfig'), PipelineId: p.get('PipelineId'), UserData: p.get('UserData') },
        requestId,
      );
      return { rootName: 'SubmitSnapshotJobResponse', body: { RequestId: requestId, SnapshotJob: toWireSnapshotJob(job) } };
    }
    case 'QuerySnapshotJobList': {
      const result = await service.querySnapshotJobList({
        SnapshotJobIds: p.get('SnapshotJobIds'),
        PipelineId: p.get('PipelineId'),
        State: p.get('State'),
        StartOfJobCreatedTimeRange: p.get('StartOfJobCreatedTimeRange'),
        EndOfJobCreatedTimeRange: p.get('EndOfJobCreatedTimeRange'),
        NextPageToken: p.get('NextPageToken'),
        MaximumPageSize: p.get('MaximumPageSize'),
      });
      const body: Record<string, unknown> = {
        RequestId: requestId,
        SnapshotJobList: { SnapshotJob: result.jobs.map(toWireSnapshotJob) },
      };
      if (result.nonExistIds.length > 0) body.NonExistSnapshotJobIds = { String: [...result.nonExistIds] };
      if (result.nextPageToken) body.NextPageToken = result.nextPageToken;
      return { rootName: 'QuerySnapshotJobListResponse', body };
    }
  }
}
