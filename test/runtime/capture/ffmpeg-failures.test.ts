/**
 * No failure to start or run ffmpeg escapes as an exception: each ends the run with an MPS error
 * whose message says what happened, and the process lives on. A configured binary that is
 * missing fails once, at cold start. ffprobe is never needed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createFfmpegCapture } from '../../../runtime/capture';
import { ffmpegPath } from '../../../runtime/capture/ffmpeg-binaries';
import { liveFfmpegPids, runFfmpeg } from '../../../runtime/capture/ffmpeg-process';
import { makeIndexedVideo, readFrameIndex } from '../../support/media';

const realFfmpeg = ffmpegPath();
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-ffmpeg-failures-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `fn` with environment variables set (undefined removes), then restores them. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, val] of Object.entries(v)) {
      if (val === undefined) delete process.env[k];
      else process.env[k] = val;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

function script(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text, { mode: 0o755 });
  return file;
}

const lavfi = { source: 'testsrc=s=32x32:r=25:d=600', options: ['-f', 'lavfi'] };

describe('a run that cannot start or does not finish is a job error', () => {
  test('arguments past the kernel limit (E2BIG): InternalError naming E2BIG', async () => {
    await expect(runFfmpeg({ inputs: [lavfi], outputOptions: ['-metadata', `title=${'x'.repeat(200 * 1024)}`, '-frames:v', '1', '-f', 'null'] })).rejects.toMatchObject({
      code: 'InternalError',
      message: expect.stringContaining('E2BIG'),
    });
  });

  test('a filter graph longer than one argument may be goes through a script file and runs', async () => {
    const graph = `metadata=mode=add:key=note:value=${'x'.repeat(200 * 1024)},null`;
    const { stdout } = await runFfmpeg({ inputs: [lavfi], outputOptions: ['-vf', graph, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray'] });
    expect(stdout.length).toBe(32 * 32);
  });

  test('a binary whose interpreter is missing (ENOENT) or not executable (EACCES)', async () => {
    const enoent = script('ffmpeg-enoent', '#!/nonexistent/interpreter\n');
    const eacces = script('ffmpeg-eacces', `#!${dir}\n`);
    for (const [bin, code] of [[enoent, 'ENOENT'], [eacces, 'EACCES']] as const) {
      await withEnv({ FFMPEG_PATH: bin }, async () => {
        await expect(runFfmpeg({ inputs: [lavfi], outputOptions: ['-f', 'null'] })).rejects.toMatchObject({
          code: 'InternalError',
          message: expect.stringContaining(code),
        });
      });
    }
  });

  test('a process killed by a signal (the OOM killer, say): InternalError naming the signal', async () => {
    // -re: read at the native rate, so the run lasts until it is killed.
    const before = new Set(liveFfmpegPids);
    const running = runFfmpeg({ inputs: [{ ...lavfi, options: ['-re', ...lavfi.options] }], outputOptions: ['-f', 'null'] });
    const ours = () => [...liveFfmpegPids].filter((pid) => !before.has(pid));
    while (ours().length === 0) await new Promise((r) => setImmediate(r));
    for (const pid of ours()) process.kill(pid, 'SIGKILL');
    await expect(running).rejects.toMatchObject({ code: 'InternalError', message: expect.stringContaining('killed by SIGKILL') });
  });
});

describe('binaries', () => {
  test('a configured ffmpeg that is missing fails once at cold start, naming the variable and the path', async () => {
    await withEnv({ FFMPEG_PATH: path.join(dir, 'no-such-ffmpeg') }, async () => {
      expect(() => createFfmpegCapture()).toThrow(`FFMPEG_PATH is ${path.join(dir, 'no-such-ffmpeg')}, which is not an executable file`);
    });
  });

  test('works with ffmpeg alone: no ffprobe anywhere, FFPROBE_PATH pointing nowhere', async () => {
    const binDir = path.join(dir, 'bin');
    fs.mkdirSync(binDir, { recursive: true });
    fs.symlinkSync(realFfmpeg, path.join(binDir, 'ffmpeg'));
    const ts = await makeIndexedVideo({ container: 'ts', durationSec: 2 });
    const mp4 = await makeIndexedVideo({ durationSec: 2 });
    await withEnv({ FFMPEG_PATH: path.join(binDir, 'ffmpeg'), FFPROBE_PATH: path.join(dir, 'no-such-ffprobe'), PATH: binDir }, async () => {
      const c = createFfmpegCapture();
      for (const uri of [ts, mp4]) {
        const [frame] = await c.capture({ uri }, [{ timeMs: 1000 }], { frameType: 'intra' });
        expect(await readFrameIndex(frame.jpeg)).toBe(25);
      }
    });
  });
});
