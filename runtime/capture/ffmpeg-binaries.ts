/**
 * Where the ffmpeg and ffprobe binaries are.
 *
 * Order: `FFMPEG_PATH` / `FFPROBE_PATH` (the cloud functions point these at the FFmpeg layer in
 * `/opt/bin`), then the first match on `PATH`, then the binaries bundled by `@ffmpeg-installer/ffmpeg`
 * and `@ffprobe-installer/ffprobe` so that `npm install` alone is enough locally. The installer
 * packages are required lazily: the cloud bundle leaves them out.
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
  if (fromEnv) return fromEnv;
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

export function ffprobePath(): string {
  return resolve('ffprobe', 'FFPROBE_PATH', '@ffprobe-installer/ffprobe');
}
