/**
 * The one place that runs ffmpeg.
 *
 * Commands are argument arrays handed to `child_process.spawn`, never shell strings. stdout (the
 * JPGs) is collected in memory, stderr is kept for frame timestamps, the input dump and error
 * messages, and an AbortSignal kills the process at once.
 *
 * No failure to start or run ffmpeg escapes as an exception: `spawn` throws synchronously for
 * some errors (E2BIG when the arguments pass the kernel's limit) and emits others (ENOENT,
 * EACCES); a process can die by a signal (OOM killer). Each becomes a SnapshotError whose message
 * says what happened, so the job fails with a documented code and the process lives on.
 * A filter graph longer than `FILTER_SCRIPT_MIN_CHARS` goes through a file
 * (`-filter_complex_script`) instead of one argument: Linux caps a single argument at 128 KiB.
 */
import { spawn, type ChildProcess } from 'child_process';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable } from 'stream';
import { Errors } from '../core/errors';
import { ffmpegPath } from './ffmpeg-binaries';
import { ffmpegFailure } from './ffmpeg-errors';

export interface FfmpegInput {
  /** A path, an http(s) URL, or a stream fed to ffmpeg's stdin (`pipe:0`). */
  readonly source: string | Readable;
  readonly options: readonly string[];
}

export interface FfmpegRun {
  readonly inputs: readonly FfmpegInput[];
  /** Everything after the inputs: filters, maps, codec, format. The output itself is stdout. */
  readonly outputOptions: readonly string[];
  /** Further outputs, each its options, written to fd 3, 4, ... (a second picture size, say). */
  readonly extraOutputs?: readonly (readonly string[])[];
  readonly signal?: AbortSignal;
  /** Names what is being read in error messages. Default `InputFile`. */
  readonly what?: string;
}

export interface FfmpegResult {
  readonly stdout: Buffer;
  readonly stderr: string;
  /** What each extra output wrote. */
  readonly extra: Buffer[];
}

/** Options every command gets: quiet banner, info level so showinfo lines and the input dump reach stderr. */
const GLOBAL = ['-hide_banner', '-nostdin', '-loglevel', 'info', '-nostats'];

/** Graphs longer than this go through a script file (one argument may not exceed 128 KiB). */
export const FILTER_SCRIPT_MIN_CHARS = 16 * 1024;

/** stderr kept per run: the input dump, showinfo lines and the error at the end. */
const MAX_STDERR_CHARS = 8 * 1024 * 1024;

/** Pids of the ffmpeg processes running now (observability, and lets tests see a kill). */
export const liveFfmpegPids = new Set<number>();

/** Processes started since load (lets tests and the bench count processes per capture). */
export const ffmpegStats = { started: 0 };

/**
 * For http(s) inputs: when a response ends before the range it started (a dropped connection, a
 * CDN or origin answering in pieces), ask again from where it stopped instead of reporting EOF.
 */
export function networkOptions(source: string | Readable): string[] {
  return typeof source === 'string' && /^https?:\/\//i.test(source) ? ['-reconnect', '1'] : [];
}

/** The argument list, with the stdin stream (at most one input may be a stream). */
export function ffmpegArguments(run: FfmpegRun): { args: string[]; stdin?: Readable } {
  const args = [...GLOBAL];
  let stdin: Readable | undefined;
  for (const input of run.inputs) {
    if (typeof input.source !== 'string') {
      if (stdin) throw Errors.internal('ffmpeg can read only one input from stdin');
      stdin = input.source;
    }
    args.push(...networkOptions(input.source), ...input.options, '-i', typeof input.source === 'string' ? input.source : 'pipe:0');
  }
  args.push(...run.outputOptions, '-y', 'pipe:1');
  (run.extraOutputs ?? []).forEach((opts, i) => args.push(...opts, '-y', `pipe:${3 + i}`));
  return { args, stdin };
}

/** Moves a long `-filter_complex` / `-vf` value into a file; returns the file to delete afterwards. */
async function withFilterScript(args: string[]): Promise<string | undefined> {
  const i = args.findIndex((a, k) => (a === '-filter_complex' || a === '-vf' || a === '-filter:v') && (args[k + 1]?.length ?? 0) >= FILTER_SCRIPT_MIN_CHARS);
  if (i < 0) return undefined;
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'snapshot-filter-'));
  const file = path.join(dir, 'graph.txt');
  await fsp.writeFile(file, args[i + 1]);
  args.splice(i, 2, args[i] === '-filter_complex' ? '-filter_complex_script' : '-filter_script:v', file);
  return dir;
}

/** Why a process could not start, in words a job record can carry. */
function spawnFailure(err: NodeJS.ErrnoException, bin: string, argChars: number): Error {
  switch (err.code) {
    case 'E2BIG':
      return Errors.internal(`ffmpeg could not start: its arguments (${argChars} characters) exceed the system's limit (E2BIG)`);
    case 'ENOENT':
      return Errors.internal(`ffmpeg could not start: ${bin} does not exist (ENOENT); set FFMPEG_PATH to an ffmpeg binary`);
    case 'EACCES':
      return Errors.internal(`ffmpeg could not start: ${bin} is not executable (EACCES)`);
    default:
      return Errors.internal(`ffmpeg could not start: ${err.code ?? ''} ${err.message}`.trim());
  }
}

export async function runFfmpeg(run: FfmpegRun): Promise<FfmpegResult> {
  const { signal } = run;
  signal?.throwIfAborted();
  const { args, stdin } = ffmpegArguments(run);
  let bin: string;
  try {
    bin = ffmpegPath();
  } catch (e) {
    throw Errors.internal(e instanceof Error ? e.message : String(e));
  }
  const scriptDir = await withFilterScript(args);
  try {
    return await spawnFfmpeg(bin, args, stdin, run);
  } finally {
    if (scriptDir) await fsp.rm(scriptDir, { recursive: true, force: true });
  }
}

function spawnFfmpeg(bin: string, args: string[], stdin: Readable | undefined, run: FfmpegRun): Promise<FfmpegResult> {
  const { signal } = run;
  return new Promise<FfmpegResult>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let child: ChildProcess;
    try {
      const extraPipes = (run.extraOutputs ?? []).map(() => 'pipe' as const);
      child = spawn(bin, args, { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe', ...extraPipes], windowsHide: true });
    } catch (e) {
      // E2BIG and other errors libuv reports synchronously.
      return reject(spawnFailure(e as NodeJS.ErrnoException, bin, args.reduce((n, a) => n + a.length + 1, 0)));
    }
    const pid = child.pid;
    ffmpegStats.started++;
    if (pid) liveFfmpegPids.add(pid);
    const chunks: Buffer[] = [];
    const extraChunks: Buffer[][] = (run.extraOutputs ?? []).map((_, i) => {
      const parts: Buffer[] = [];
      (child.stdio[3 + i] as Readable).on('data', (c: Buffer) => parts.push(c));
      return parts;
    });
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => chunks.push(c));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      stderr += s;
      if (stderr.length > MAX_STDERR_CHARS) stderr = stderr.slice(-MAX_STDERR_CHARS / 2);
    });
    if (stdin && child.stdin) {
      // ffmpeg may stop reading (it has what it needs, or it failed): not an error of ours.
      child.stdin.on('error', () => undefined);
      stdin.on('error', () => child.kill('SIGKILL'));
      stdin.pipe(child.stdin);
    }

    let settled = false;
    const finish = (err: unknown, result?: FfmpegResult) => {
      if (settled) return;
      settled = true;
      if (pid) liveFfmpegPids.delete(pid);
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(result!);
    };
    const onAbort = () => {
      child.kill('SIGKILL');
      finish(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    child.on('error', (err: NodeJS.ErrnoException) => {
      // ENOENT/EACCES arrive here, after spawn returned.
      child.kill('SIGKILL');
      finish(spawnFailure(err, bin, 0));
    });
    // 'close' comes after stdout and stderr ended: every JPG byte is in `chunks`.
    child.on('close', (code, sig) => {
      if (signal?.aborted) return finish(signal.reason);
      if (code === 0) return finish(undefined, { stdout: Buffer.concat(chunks), stderr, extra: extraChunks.map((p) => Buffer.concat(p)) });
      if (process.env.SNAPSHOT_FFMPEG_DEBUG) console.error(`ffmpeg ${JSON.stringify(args)} failed:\n${stderr}`);
      if (sig) return finish(Errors.internal(`ffmpeg was killed by ${sig}${sig === 'SIGKILL' ? ' (out of memory?)' : ''}`));
      finish(ffmpegFailure(stderr, run.what));
    });
  });
}
