/**
 * The one ffmpeg binary every case uses, project and baselines alike, so that ratios compare
 * strategies and not builds. Resolution follows the capture module when it exists, so the bench
 * measures exactly the binary the service runs.
 */
import { spawn, execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { childrenCpuMs, selfCpuMs } from './proc';

interface Binaries {
  ffmpeg: string;
  ffprobe: string;
  source: string;
}

let cached: Binaries | undefined;

export function binaries(): Binaries {
  if (cached) return cached;
  try {
    // The capture module owns the lookup order (FFMPEG_PATH, PATH, installer); reuse it when present.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod = require(path.join(__dirname, '..', 'runtime', 'capture', 'ffmpeg-binaries')) as { ffmpegPath(): string; ffprobePath(): string };
    cached = { ffmpeg: mod.ffmpegPath(), ffprobe: mod.ffprobePath(), source: 'runtime/capture/ffmpeg-binaries.ts' };
  } catch {
    cached = {
      ffmpeg: process.env.FFMPEG_PATH || (require('@ffmpeg-installer/ffmpeg') as { path: string }).path,
      ffprobe: process.env.FFPROBE_PATH || (require('@ffprobe-installer/ffprobe') as { path: string }).path,
      source: process.env.FFMPEG_PATH ? 'FFMPEG_PATH' : '@ffmpeg-installer/ffmpeg (bench fallback)',
    };
  }
  return cached;
}

export function ffmpegVersion(): string {
  const out = execFileSync(binaries().ffmpeg, ['-version'], { encoding: 'utf8' });
  return out.split('\n')[0].trim();
}

export interface ProcResult {
  wallMs: number;
  /** CPU of the child (user + system), from this process's reaped-children counters. */
  cpuMs: number;
  stderr: string;
  code: number | null;
}

/**
 * Runs a command to completion. CPU comes from /proc/self/stat cutime+cstime, which is exact only
 * while one child at a time is reaped; callers that run children in parallel get the sum.
 */
export function run(bin: string, args: string[], opts: { cwd?: string } = {}): Promise<ProcResult> {
  const cpu0 = childrenCpuMs();
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: opts.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      // Keep the tail: errors and AVIO statistics come last.
      stderr = (stderr + d.toString()).slice(-20000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ wallMs: performance.now() - t0, cpuMs: childrenCpuMs() - cpu0, stderr, code });
    });
  });
}

/** Runs and throws with ffmpeg's own words when it fails: a broken baseline must not look fast. */
export async function runOk(bin: string, args: string[], opts: { cwd?: string } = {}): Promise<ProcResult> {
  const r = await run(bin, args, opts);
  if (r.code !== 0) throw new Error(`${path.basename(bin)} ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(-1500)}`);
  return r;
}

export function ffmpeg(args: string[], opts: { cwd?: string } = {}): Promise<ProcResult> {
  return runOk(binaries().ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', ...args], opts);
}

export { selfCpuMs };
