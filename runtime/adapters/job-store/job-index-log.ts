/**
 * The durable form of the job index: `<dir>/index.jsonl`, one JSON array per line, replayed when
 * the store opens so it can serve without reading every record.
 *
 * The records stay the source of truth; the log only has to never claim a state a record does not
 * have. A write therefore goes in three steps:
 *
 *   1. `["P", entry...]` (intent): appended and fsynced before the record is touched;
 *   2. the record itself (atomic write);
 *   3. `["D", id, revision]` (done): appended, no fsync needed.
 *
 * On replay, an intent without its done line means the process stopped somewhere in between, so
 * the store re-reads exactly those records; nothing else needs checking. `["E", entry...]` lines
 * are confirmed entries: a compaction rewrites the log as one E line per job (plus the intents of
 * writes still under way), so the log stays proportional to the number of jobs.
 */
import { promises as fs } from 'node:fs';
import type { JobState } from '../../core/model';
import { writeFileAtomic } from '../fs-atomic';
import { JOB_STATES, sharedString, type IndexEntry } from './job-index';

export const INDEX_FILE = 'index.jsonl';
const HEADER = JSON.stringify(['snapshot-job-index', 1]);

type EntryLine = [kind: 'E' | 'P', id: string, createdAtMs: number, state: JobState, revision: number, owed: 0 | 1, pipelineId?: string];

export function entryLine(kind: 'E' | 'P', e: IndexEntry): string {
  const line: EntryLine = [kind, e.id, e.createdAtMs, e.state, e.revision, e.announcementOwed ? 1 : 0];
  if (e.pipelineId !== undefined) line.push(e.pipelineId);
  return JSON.stringify(line);
}

export function doneLine(id: string, revision: number): string {
  return JSON.stringify(['D', id, revision]);
}

export function headerLine(): string {
  return HEADER;
}

export interface Replay {
  /** The latest entry of every job, confirmed or not. */
  readonly entries: Map<string, IndexEntry>;
  /** Jobs whose last intent has no done line: their record may be the old one or the new one. */
  readonly unconfirmed: Set<string>;
  readonly lines: number;
  /** The last line was cut off (the process stopped in the middle of an append). */
  readonly torn: boolean;
}

export class IndexLogCorrupt extends Error {}

/** Replays the log; `undefined` when there is none. */
export async function readIndexLog(file: string): Promise<Replay | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const entries = new Map<string, IndexEntry>();
  const pending = new Map<string, number>();
  // Many jobs share a few pipelines: one string each instead of one per job.
  const pipelines = new Map<string, string>();
  let lines = 0;
  let torn = false;
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end < 0 ? text.length : end);
    start = end < 0 ? text.length : end + 1;
    if (lines === 0) {
      if (line !== HEADER) throw new IndexLogCorrupt(`${file} does not start with ${HEADER}`);
      lines++;
      continue;
    }
    const parsed = parseLine(line, pipelines);
    if (!parsed) {
      // Appends are sequential, so only the last line can be cut off by a crash; anything else
      // means the file was damaged.
      if (end < 0) {
        torn = true;
        break;
      }
      throw new IndexLogCorrupt(`${file} line ${lines + 1} is not an index entry`);
    }
    lines++;
    if (parsed.kind === 'D') {
      if (pending.get(parsed.id) === parsed.revision) pending.delete(parsed.id);
      continue;
    }
    entries.set(parsed.entry.id, parsed.entry);
    if (parsed.kind === 'P') pending.set(parsed.entry.id, parsed.entry.revision);
    else pending.delete(parsed.entry.id);
  }
  if (lines === 0) throw new IndexLogCorrupt(`${file} is empty`);
  return { entries, unconfirmed: new Set(pending.keys()), lines, torn };
}

type Parsed = { kind: 'E' | 'P'; entry: IndexEntry } | { kind: 'D'; id: string; revision: number };

function parseLine(line: string, pipelines: Map<string, string>): Parsed | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!Array.isArray(v) || typeof v[1] !== 'string') return undefined;
  if (v[0] === 'D') return typeof v[2] === 'number' && v.length === 3 ? { kind: 'D', id: v[1], revision: v[2] } : undefined;
  if (v[0] !== 'E' && v[0] !== 'P') return undefined;
  const [kind, id, createdAtMs, state, revision, owed, pipelineId] = v as EntryLine;
  if (typeof createdAtMs !== 'number' || !JOB_STATES.includes(state) || typeof revision !== 'number' || (owed !== 0 && owed !== 1)) return undefined;
  if (pipelineId !== undefined && typeof pipelineId !== 'string') return undefined;
  const shared = pipelineId === undefined ? undefined : sharedString(pipelines, pipelineId);
  return { kind, entry: { id, createdAtMs, state, pipelineId: shared, revision, announcementOwed: owed === 1 } };
}

interface Deferred {
  resolve(): void;
  reject(err: unknown): void;
}
type OpBody = { kind: 'append'; text: string; durable: boolean } | { kind: 'rewrite'; produce: () => string[] };
type Op = OpBody & Deferred;

/**
 * Appends to the log and replaces it, one operation at a time. Appends waiting together are
 * written (and fsynced, if any of them asks) in one go, so concurrent writes share one fsync.
 * A rewrite builds its content when its turn comes, so it reflects every change made before.
 */
export class IndexLogWriter {
  /** Lines in the file, for deciding when to compact. */
  lines: number;
  private readonly ops: Op[] = [];
  private running = false;

  constructor(
    readonly file: string,
    lines: number,
  ) {
    this.lines = lines;
  }

  append(line: string, durable: boolean): Promise<void> {
    return this.enqueue({ kind: 'append', text: line + '\n', durable });
  }

  /** Replaces the whole log atomically with the lines `produce` returns (the header included). */
  rewrite(produce: () => string[]): Promise<void> {
    return this.enqueue({ kind: 'rewrite', produce });
  }

  private enqueue(op: OpBody): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.ops.push({ ...op, resolve, reject });
      void this.run();
    });
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.ops.length > 0) {
        const first = this.ops[0];
        if (first.kind === 'rewrite') {
          this.ops.shift();
          await settle([first], async () => {
            const lines = first.produce();
            await writeFileAtomic(this.file, lines.join('\n') + '\n');
            this.lines = lines.length;
          });
          continue;
        }
        let n = 1;
        while (n < this.ops.length && this.ops[n].kind === 'append') n++;
        const batch = this.ops.splice(0, n) as Extract<Op, { kind: 'append' }>[];
        await settle(batch, async () => {
          const handle = await fs.open(this.file, 'a');
          try {
            await handle.write(batch.map((op) => op.text).join(''));
            if (batch.some((op) => op.durable)) await handle.datasync();
          } finally {
            await handle.close();
          }
          this.lines += batch.length;
        });
      }
    } finally {
      this.running = false;
    }
  }
}

async function settle(ops: Deferred[], work: () => Promise<void>): Promise<void> {
  try {
    await work();
    for (const op of ops) op.resolve();
  } catch (err) {
    for (const op of ops) op.reject(err);
  }
}
