/**
 * The one place that runs ffmpeg (through fluent-ffmpeg, whose upstream is archived: nothing else
 * imports it, so replacing it touches this file only).
 *
 * Commands are given as argument arrays, never shell strings. stdout (the JPGs) is collected in
 * memory, stderr is kept for frame timestamps and error messages, and an AbortSignal kills the
 * process at once.
 */
import ffmpeg from 'fluent-ffmpeg';
import { PassThrough, Readable } from 'stream';
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
  readonly signal?: AbortSignal;
  /** Names what is being read in error messages. Default `InputFile`. */
  readonly what?: string;
}

export interface FfmpegResult {
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Options every command gets: quiet banner, info level so showinfo lines reach stderr. */
const GLOBAL = ['-hide_banner', '-loglevel', 'info', '-nostats'];

/** Pids of the ffmpeg processes running now (observability, and lets tests see a kill). */
export const liveFfmpegPids = new Set<number>();

/**
 * For http(s) inputs: when a response ends before the range it started (a dropped connection, a
 * CDN or origin answering in pieces), ask again from where it stopped instead of reporting EOF.
 */
export function networkOptions(source: string | Readable): string[] {
  return typeof source === 'string' && /^https?:\/\//i.test(source) ? ['-reconnect', '1'] : [];
}

export function runFfmpeg(run: FfmpegRun): Promise<FfmpegResult> {
  const { signal } = run;
  return new Promise<FfmpegResult>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const cmd = ffmpeg({ stdoutLines: 0 });
    cmd.setFfmpegPath(ffmpegPath());
    run.inputs.forEach((input, i) => {
      cmd.input(input.source);
      const opts = [...(i === 0 ? GLOBAL : []), ...networkOptions(input.source), ...input.options];
      // Several arguments at once: fluent-ffmpeg then passes each one through unsplit.
      if (opts.length > 1) cmd.inputOptions(...opts);
      else if (opts.length === 1) cmd.inputOptions(opts);
    });
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    cmd.output(sink);
    if (run.outputOptions.length > 1) cmd.outputOptions(...run.outputOptions);
    else if (run.outputOptions.length === 1) cmd.outputOptions([...run.outputOptions]);

    const stderr: string[] = [];
    let settled = false;
    const finish = (err: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve({ stdout: Buffer.concat(chunks), stderr: stderr.join('\n') });
    };
    const onAbort = () => {
      try {
        cmd.kill('SIGKILL');
      } catch {
        // not spawned yet: the 'start' handler kills it as soon as it exists
      }
      finish(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    let pid: number | undefined;
    let args: string[] = [];
    cmd.on('start', () => {
      args = cmd._getArguments();
      pid = (cmd as unknown as { ffmpegProc?: { pid?: number } }).ffmpegProc?.pid;
      if (pid) liveFfmpegPids.add(pid);
      // Aborted while fluent-ffmpeg was still preparing: the process exists only now.
      if (signal?.aborted) cmd.kill('SIGKILL');
    });
    cmd.on('stderr', (line: string) => stderr.push(line));
    cmd.on('error', (err: Error) => {
      if (pid) liveFfmpegPids.delete(pid);
      if (signal?.aborted) return finish(signal.reason);
      const text = stderr.join('\n');
      if (process.env.SNAPSHOT_FFMPEG_DEBUG) console.error(`ffmpeg ${JSON.stringify(args)} failed:\n${text}`);
      finish(/ffmpeg exited with code|killed with signal/.test(err.message) ? ffmpegFailure(text, run.what) : ffmpegFailure(`${text}\n${err.message}`, run.what));
    });
    cmd.on('end', () => {
      if (pid) liveFfmpegPids.delete(pid);
      // 'end' may come before the last stdout chunk was consumed.
      if (sink.readableEnded) finish(undefined);
      else sink.once('end', () => finish(undefined));
      sink.resume();
    });
    cmd.run();
  });
}

