import type { JobState, SnapshotJob } from '../../../runtime/core/model';

/** A plausible job record; only the fields the stores look at vary. */
export function jobRecord(id: string, createdAtMs: number, state: JobState = 'Submitted', pipelineId?: string): SnapshotJob {
  return {
    id,
    requestId: 'D6E0A7A5-2C4F-4C38-9E7B-5A0B9C1D2E3F',
    state,
    creationTime: new Date(createdAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    createdAtMs,
    request: {
      input: { bucket: 'snapshot-input', location: 'oss-cn-hangzhou', rawObject: 'in%2Fa.mp4', key: 'in/a.mp4' },
      config: {
        outputFile: { bucket: 'snapshot-output', location: 'oss-cn-hangzhou', rawObject: 'out%2F{Count}.jpg', key: 'out/{Count}.jpg' },
        timeMs: 0,
        num: 3,
        frameType: 'intra',
      },
      mode: 'async',
      pipelineId,
      userData: 'a b(c)*!\'~+é & <x>',
    },
  };
}

/** 32 lower-case hex, ordered like the number n. */
export function hexId(n: number): string {
  return n.toString(16).padStart(32, '0');
}
