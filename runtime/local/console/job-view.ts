/**
 * A job as the console shows it: the API's own rendering of the job (`toWireSnapshotJob`, what
 * QuerySnapshotJobList answers) plus what the console draws from it: the keys of its images,
 * sprites and WebVTT track, the sprite grid, and the notification body. Keys are expanded from the
 * job's templates exactly as the capture wrote them (take-snapshots.ts, sprite-output.ts).
 */
import { toWireSnapshotJob } from '../../api/render-snapshot-job';
import { renderJobMessage } from '../../core/notification-message';
import { expandObjectKey, vttKeyFor } from '../../core/output-names';
import { selectCells } from '../../core/sprite-layout';
import type { SnapshotConfig, SnapshotJob } from '../../core/model';
import type { ObjectStorage } from '../../core/ports';
import { messageUrls } from '../../service/notify-job';
import { bucketUrl } from './bucket-url';

/** One row of the jobs list. */
export interface JobSummary {
  readonly id: string;
  readonly state: string;
  readonly creationTime: string;
  readonly input: string;
  readonly mode: string;
  readonly count?: number;
  readonly tileCount?: number;
  readonly pipelineId?: string;
  readonly code?: string;
  readonly message?: string;
}

export interface ObjectLink {
  readonly bucket: string;
  readonly key: string;
  readonly url: string;
}

export interface JobView {
  readonly summary: JobSummary;
  /** The job exactly as QuerySnapshotJobList renders it. */
  readonly wire: Record<string, unknown>;
  /** `SnapshotConfig` as submitted, with the keys the API's job model leaves out (Format, SubOut, ...). */
  readonly snapshotConfig: Record<string, unknown>;
  readonly input: ObjectLink;
  readonly images: (ObjectLink & { readonly timeMs: number })[];
  readonly sprites: (ObjectLink & { readonly cells: number })[];
  readonly tile?: { lines: number; columns: number; cellWidth?: number; cellHeight?: number; padding: number; margin: number };
  readonly vtt?: ObjectLink;
  /** The message body sent to the pipeline's topic (rendered again from the job by the same function). */
  readonly notificationBody?: string;
}

export function summarizeJob(job: SnapshotJob): JobSummary {
  return {
    id: job.id,
    state: job.state,
    creationTime: job.creationTime,
    input: `${job.request.input.bucket}/${job.request.input.key}`,
    mode: job.request.mode,
    ...(job.count !== undefined ? { count: job.count } : {}),
    ...(job.tileCount !== undefined ? { tileCount: job.tileCount } : {}),
    ...(job.request.pipelineId !== undefined ? { pipelineId: job.request.pipelineId } : {}),
    ...(job.code !== undefined ? { code: job.code } : {}),
    ...(job.message !== undefined ? { message: job.message } : {}),
  };
}

export function viewJob(job: SnapshotJob, storage: ObjectStorage): JobView {
  const { config, input } = job.request;
  const link = (bucket: string, key: string): ObjectLink => ({ bucket, key, url: bucketUrl(bucket, key) });
  const done = job.state === 'Success';
  const times = job.timesMs ?? [];
  const keepImages = !config.tileOut || config.tileOut.isKeepCellPic;
  const images = done && keepImages
    ? times.map((timeMs, i) => ({
        ...link(config.outputFile.bucket, expandObjectKey(config.outputFile.key, { inputKey: input.key, count: i + 1, snapshotTimeMs: timeMs })),
        timeMs,
      }))
    : [];
  const sprites: JobView['sprites'][number][] = [];
  if (done && config.tileOut && config.tileOutputFile && job.tileCount) {
    const perSheet = config.tileOut.lines * config.tileOut.columns;
    const cells = selectCells(times.length, config.tileOut.cellSelStep).length;
    for (let n = 1; n <= job.tileCount; n++) {
      const key = expandObjectKey(config.tileOutputFile.key, { inputKey: input.key, tileCount: n, parameter: 'SnapshotConfig.TileOutputFile.Object' });
      sprites.push({ ...link(config.tileOutputFile.bucket, key), cells: Math.min(perSheet, cells - (n - 1) * perSheet) });
    }
  }
  const t = config.tileOut;
  const wire = toWireSnapshotJob(job);
  return {
    summary: summarizeJob(job),
    wire,
    snapshotConfig: submittedConfig(job.request.config, wire),
    input: link(input.bucket, input.key),
    images,
    sprites,
    ...(t
      ? { tile: { lines: t.lines, columns: t.columns, cellWidth: t.cellWidth, cellHeight: t.cellHeight, padding: t.padding, margin: t.margin } }
      : {}),
    ...(done && config.format === 'vtt' ? { vtt: link(config.outputFile.bucket, vttKeyFor(config.outputFile.key, input.key)) } : {}),
    ...(job.mnsMessageResult
      ? { notificationBody: renderJobMessage(job, messageUrls(job, storage)) }
      : {}),
  };
}

function submittedConfig(c: SnapshotConfig, wire: Record<string, unknown>): Record<string, unknown> {
  return {
    ...(wire.SnapshotConfig as Record<string, unknown>),
    ...(c.format !== undefined ? { Format: c.format } : {}),
    ...(c.subOut !== undefined ? { SubOut: { IsSptFrag: String(c.subOut.isSptFrag) } } : {}),
    ...(c.blackLevel !== undefined ? { BlackLevel: String(c.blackLevel) } : {}),
    ...(c.pixelBlackThreshold !== undefined ? { PixelBlackThreshold: String(c.pixelBlackThreshold) } : {}),
  };
}
