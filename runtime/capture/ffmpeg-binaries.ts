/**
 * Where the ffmpeg binary is. The runtime needs ffmpeg only: the facts about a video come from an
 * in-process MP4/MOV index reader or from ffmpeg's own input dump (see probe.ts), never from
 * ffprobe, which the FC FFmpeg6x layer does not document.
 *
 * Order: `FFMPEG_PATH` (the cloud functions point it at the FFmpeg layer, `/opt/bin/ffmpeg`),
 * then the first match on `PATH`, then the binary bundled by `@ffmpeg-installer/ffmpeg` so that
 * `npm install` alone is enough locally. The installer package is required lazily: the cloud
 * bundle leaves it out.
 *
 * A configured path that is not an executable file is a deployment mistake, not a job failure:
 * `checkFfmpegBinary()` throws once, at cold start (createFfmpegCapture calls it), with the
 * variable and the path in the message, instead of every job failing on its own later.
 *
 * `ffprobePath()` remains for tools and tests that want ffprobe's JSON (`FFPROBE_PATH`, `PATH`,
 * `@ffprobe-installer/ffprobe`); the runtime never calls it.
 */
import * as fs from 'fs';
import * as path from 'path';

const cache = new Map<string, string>();

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function fromInstaller(pkg: string): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(pkg) as { path?: string };
    return mod.path && isExecutable(mod.path) ? mod.path : undefined;
  } catch {
    return undefined;
  }
}

function resolve(name: 'ffmpeg' | 'ffprobe', envVar: string, pkg: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`${envVar} is ${fromEnv}, which is not an executable file: point ${envVar} at a ${name} binary, or unset it to use ${name} from PATH or ${pkg}`);
    return fromEnv;
  }
  const cached = cache.get(name);
  if (cached) return cached;
  const found = onPath(name) ?? fromInstaller(pkg);
  if (!found) {
    throw new Error(`${name} not found: set ${envVar}, put ${name} on PATH, or install ${pkg}`);
  }
  cache.set(name, found);
  return found;
}

export function ffmpegPath(): string {
  return resolve('ffmpeg', 'FFMPEG_PATH', '@ffmpeg-installer/ffmpeg');
}

/**
 * The cold-start check: resolves ffmpeg now and throws the one clear error when it is missing.
 * Cheap (a stat); a later job never finds a broken configuration first.
 */
export function checkFfmpegBinary(): string {
  return ffmpegPath();
}

export function ffprobePath(): string {
  return resolve('ffprobe', 'FFPROBE_PATH', '@ffprobe-installer/ffprobe');
}
