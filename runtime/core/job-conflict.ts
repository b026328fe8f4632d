/**
 * A job-store write that lost a race: a new job whose id is already stored, or an update of a
 * record that changed since it was read (its `revision` is no longer the stored one).
 *
 * Stores raise it instead of overwriting, so no update is ever lost silently; the caller decides
 * what losing means (the sweep skips a job another sweep just claimed; a worker re-reads the job).
 */
export class JobConflictError extends Error {
  constructor(
    readonly jobId: string,
    readonly expectedRevision: number | undefined,
    readonly storedRevision: number | undefined,
  ) {
    super(
      expectedRevision === undefined
        ? `job ${jobId} already exists (revision ${storedRevision})`
        : `job ${jobId} changed since it was read: expected revision ${expectedRevision}, stored ${storedRevision ?? 'none'}`,
    );
    this.name = 'JobConflictError';
  }
}

export function isJobConflict(e: unknown): e is JobConflictError {
  return e instanceof JobConflictError;
}
