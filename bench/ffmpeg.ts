/**
 * The ffmpeg build every case of a run uses, project and baselines alike, so that ratios compare
 * strategies and not builds. The run names it and pins it: `FFMPEG_PATH` is set for the capture
 * module in this process and passed explicitly to the service child.
 *
 * Builds: `system` (the first ffmpeg on PATH outside node_modules, e.g. Debian's 5.1: what most
 * machines that run `npm start` have, and close to the FC FFmpeg 6 layer) and `npm` (the 2018
 * static build of @ffmpeg-installer/ffmpeg). A user's FFMPEG_PATH is its own build, `FFMPEG_PATH`.
 * Reports name a build by its label and a path that is relative to the repository, or only the
 * binary's name when it lives elsewhere: committed results carry no machine's paths.
 */
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { childrenCpuMs, selfCpuMs } from './proc';

export interface Binaries {
  /** `system`, `npm` or `FFMPEG_PATH`. */
  name: string;
  ffmpeg: string;
  ffprobe: string;
  /** How the report shows where it is (never an absolute path outside the repository). */
  shown: string;
}

const REPO = path.join(__dirname, '..');
let current: Binaries | undefined;

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function shown(file: string, how: string): string {
  const rel = path.relative(REPO, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? `${path.basename(file)} (${how})` : rel;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir || dir.includes('node_modules')) continue;
    const f = path.join(dir, name);
    if (executable(f)) return f;
  }
  return undefined;
}

/** The builds this machine has. */
export function builds(): { system?: Binaries; npm?: Binaries; env?: Binaries } {
  const out: { system?: Binaries; npm?: Binaries; env?: Binaries } = {};
  const sys = onPath('ffmpeg');
  if (sys) out.system = { name: 'system', ffmpeg: sys, ffprobe: onPath('ffprobe') ?? '', shown: shown(sys, 'on PATH') };
  try {
    const ff = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    const fp = (require('@ffprobe-installer/ffprobe') as { path: string }).path;
    if (executable(ff)) out.npm = { name: 'npm', ffmpeg: ff, ffprobe: fp, shown: shown(ff, '@ffmpeg-installer/ffmpeg') };
  } catch {
    // not installed
  }
  if (process.env.FFMPEG_PATH) {
    const ff = process.env.FFMPEG_PATH;
    out.env = { name: 'FFMPEG_PATH', ffmpeg: ff, ffprobe: process.env.FFPROBE_PATH ?? out.system?.ffprobe ?? out.npm?.ffprobe ?? '', shown: shown(ff, 'FFMPEG_PATH') };
  }
  return out;
}

/** Pins a build for what follows: this process's capture module and every child it starts. */
export function useBinaries(b: Binaries): void {
  current = b;
  process.env.FFMPEG_PATH = b.ffmpeg;
  if (b.ffprobe) process.env.FFPROBE_PATH = b.ffprobe;
}

export function binaries(): Binaries {
  if (!current) {
    const b = builds();
    const pick = b.env ?? b.system ?? b.npm;
    if (!pick) throw new Error('no ffmpeg: install one on PATH or run npm install');
    useBinaries(pick);
  }
  return current!;
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
