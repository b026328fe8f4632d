import * as fs from 'fs';
import { createFfmpegCapture } from '../../../runtime/capture';
import { liveFfmpegPids } from '../../../runtime/capture/ffmpeg-process';
import { defaultMaxProcesses, ProcessPool } from '../../../runtime/capture/process-pool';
import { makeGarbageFile, makeIndexedVideo, readFrameIndex } from '../../support/media';
import { startRangeServer } from '../../support/media-range-server';

const capture = createFfmpegCapture();

describe('inputs that are not video fail with ResourceContentBad', () => {
  test('audio only', async () => {
    const source = { uri: await makeIndexedVideo({ audioOnly: true }) };
    await expect(capture.probe(source)).rejects.toMatchObject({ code: 'InvalidParameter.ResourceContentBad', httpStatus: 400 });
    await expect(capture.capture(source, [{ timeMs: 0 }], { frameType: 'intra' })).rejects.toMatchObject({
      code: 'InvalidParameter.ResourceContentBad',
    });
  });

  test('random bytes named .mp4', async () => {
    const source = { uri: makeGarbageFile('garbage.mp4') };
    await expect(capture.probe(source)).rejects.toMatchObject({ code: 'InvalidParameter.ResourceContentBad' });
  });

  test('a truncated MP4 (moov at the end, cut off)', async () => {
    const whole = fs.readFileSync(await makeIndexedVideo({ container: 'mp4-moov-at-end' }));
    const cut = makeGarbageFile('cut.mp4', 16);
    fs.writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    await expect(capture.probe({ uri: cut })).rejects.toMatchObject({ code: 'InvalidParameter.ResourceContentBad' });
  });

  test('MPEG-TS probes even though the bundled ffprobe cannot read it', async () => {
    const media = await capture.probe({ uri: await makeIndexedVideo({ container: 'ts' }) });
    expect(media).toMatchObject({ width: 160, height: 90, frameRate: 25, codec: 'h264', rotation: 0 });
    expect(media.durationMs).toBeGreaterThanOrEqual(3960);
    expect(media.durationMs).toBeLessThanOrEqual(4100);
  });
});

describe('over HTTP with byte ranges (a signed OSS URL)', () => {
  test('a moov-at-end MP4: the right frame, reading a small part of the file', async () => {
    const file = await makeIndexedVideo({ width: 320, height: 180, durationSec: 10, noise: 40, container: 'mp4-moov-at-end', gop: 50 });
    const size = fs.statSync(file).size;
    // Answers of at most 256 KiB: every byte counted was asked for (see startRangeServer).
    const server = await startRangeServer(file, { maxChunk: 256 * 1024 });
    try {
      const c = createFfmpegCapture();
      const source = { uri: server.url, sizeBytes: size };
      const media = await c.probe(source);
      expect(media).toMatchObject({ width: 320, height: 180 });
      const [frame] = await c.capture(source, [{ timeMs: 8040 }], { frameType: 'normal' });
      expect(await readFrameIndex(frame.jpeg)).toBe(201);
      expect(server.requests().some((r) => r.includes('bytes='))).toBe(true);
      // Probe plus one frame near the end: a fraction of the file, not a download.
      expect(server.bytesSent()).toBeLessThan(size / 2);
    } finally {
      await server.close();
    }
  });

  test('a URL that answers 403 is PermissionDenied, 404 is ResourceNotFound', async () => {
    const file = await makeIndexedVideo({});
    for (const [status, code] of [[403, 'PermissionDenied.ResourceAccess'], [404, 'InvalidParameter.ResourceNotFound']] as const) {
      const server = await startRangeServer(file, { status });
      try {
        await expect(createFfmpegCapture().probe({ uri: server.url })).rejects.toMatchObject({ code });
      } finally {
        await server.close();
      }
    }
  });
});

describe('aborting', () => {
  test('an abort kills the running ffmpeg and rejects with the abort reason', async () => {
    // A long decode: the whole 10 s noisy clip through the black-frame scan.
    const source = { uri: await makeIndexedVideo({ width: 320, height: 180, durationSec: 10, noise: 40, container: 'mp4-moov-at-end', gop: 50 }) };
    const c = createFfmpegCapture();
    await c.probe(source);
    const controller = new AbortController();
    const reason = new Error('deadline passed');
    const running = c.capture(source, [{ timeMs: 0 }, { timeMs: 9000 }], {
      frameType: 'normal',
      blackFilter: { blackLevel: 100, pixelBlackThreshold: 30, searchWindowMs: 60000 },
      signal: controller.signal,
    });
    while (liveFfmpegPids.size === 0) await new Promise((r) => setTimeout(r, 5));
    const pids = [...liveFfmpegPids];
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    // The processes are gone (kill(pid, 0) throws ESRCH once reaped).
    for (let i = 0; i < 200 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 10));
    expect(pids.filter(alive)).toEqual([]);
  });

  test('an already aborted signal starts nothing', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(
      capture.capture({ uri: await makeIndexedVideo({}) }, [{ timeMs: 0 }], { frameType: 'intra', signal: controller.signal }),
    ).rejects.toThrow('too late');
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('process pool', () => {
  test('never runs more than its size at once; the rest queue and all finish', async () => {
    const pool = new ProcessPool(2);
    let running = 0;
    let peak = 0;
    const task = async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
    };
    await Promise.all(Array.from({ length: 10 }, () => pool.run(task)));
    expect(peak).toBe(2);
    expect(pool.running).toBe(0);
  });

  test('a queued task whose signal aborts never starts', async () => {
    const pool = new ProcessPool(1);
    let release!: () => void;
    const blocker = pool.run(() => new Promise<void>((r) => (release = r)));
    const controller = new AbortController();
    let started = false;
    const queued = pool.run(async () => void (started = true), controller.signal);
    controller.abort(new Error('gone'));
    await expect(queued).rejects.toThrow('gone');
    release();
    await blocker;
    expect(started).toBe(false);
    expect(pool.queued).toBe(0);
  });

  test('decoder threads share the cores among the processes running at once', async () => {
    const cores = defaultMaxProcesses();
    const pool = new ProcessPool(cores + 1);
    const alone = await pool.run(async () => pool.threadsPerProcess());
    expect(alone).toBe(cores);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: number[] = [];
    const tasks = Array.from({ length: cores + 1 }, () =>
      pool.run(async () => {
        await gate;
        seen.push(pool.threadsPerProcess());
      }),
    );
    release();
    await Promise.all(tasks);
    // The first to look sees every process still running: never fewer than one thread.
    expect(seen[0]).toBe(Math.max(1, Math.floor(cores / (cores + 1))));
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(1);
  });

  test('a burst of captures through a pool of 1 all succeed', async () => {
    const c = createFfmpegCapture({ maxProcesses: 1 });
    const source = { uri: await makeIndexedVideo({}) };
    const results = await Promise.all([0, 1000, 2000, 3000].map((timeMs) => c.capture(source, [{ timeMs }], { frameType: 'intra' })));
    expect(await Promise.all(results.map(([f]) => readFrameIndex(f.jpeg)))).toEqual([0, 25, 50, 75]);
  });
});
