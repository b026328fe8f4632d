/**
 * The local console in a real Chromium (test/support/chromium.ts), against the real local service:
 * jobs submitted with the official SDK, real ffmpeg outputs, the page's own DOM, canvas pixels and
 * decoded images. One browser for the whole file.
 */
import { promises as fs } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { ffmpegPath } from '../../runtime/capture/ffmpeg-binaries';
import { oss, submit, waitForFinal, type WireJob } from '../e2e/e2e-helpers';
import { mtsClient } from '../support/clients';
import { launchChromium } from '../support/chromium';
import { withLocalService } from '../support/local-service';
import { jpegSize, makeIndexedVideo, run } from '../support/media';
import { SubmitSnapshotJobRequest } from '@alicloud/mts20140618';

const local = withLocalService();
let browser: Browser;
let page: Page;
let video: string;
const INPUT = 'clips/indexed.mp4';

beforeAll(async () => {
  [browser, video] = await Promise.all([launchChromium(), makeIndexedVideo({ durationSec: 4, width: 160, height: 90 })]);
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await local.putInput(video, INPUT);
});
afterAll(async () => {
  await browser?.close();
});

/** A failed job shows its code and message in the test's output. */
const expectSuccess = (job: WireJob) =>
  expect({ State: job.State, Code: job.Code, Message: job.Message }).toEqual({ State: 'Success', Code: undefined, Message: undefined });
const consoleUrl = (hash: string) => `${local.svc.endpoint}/console/#${hash}`;
const input = () => JSON.stringify(oss(local.svc, local.svc.inputBucket, INPUT));
const output = (object: string) => oss(local.svc, local.svc.outputBucket, object);

test('this Chromium plays H.264 MP4', async () => {
  await page.goto(`${local.svc.endpoint}/console/`);
  const playable = await page.evaluate(async (src) => {
    const v = document.createElement('video');
    v.muted = true;
    v.src = src;
    document.body.append(v);
    await v.play();
    await new Promise<void>((resolve) => v.addEventListener('timeupdate', () => v.currentTime > 0.3 && resolve()));
    v.pause();
    const type = v.canPlayType('video/mp4; codecs="avc1.42E01E"');
    v.remove();
    return { type, width: v.videoWidth, height: v.videoHeight };
  }, `/oss/${local.svc.inputBucket}/${INPUT}`);
  expect(playable).toEqual({ type: 'probably', width: 160, height: 90 });
});

test('the jobs list shows a job submitted through the official SDK', async () => {
  await page.goto(consoleUrl('/jobs'));
  await page.waitForSelector('table.jobs tbody tr');
  const job = await submit(local.svc, 'mts-v3', {
    Input: input(),
    SnapshotConfig: JSON.stringify({ OutputFile: output('list/{Count}.jpg'), Time: '0', Interval: '1', Num: '2', Width: '64' }),
  });
  // The list refreshes every second; the wait is only a generous upper bound.
  const row = page.locator(`tr[data-job-id="${job.Id}"]`);
  await row.waitFor({ timeout: 10_000 });
  expect(await row.textContent()).toContain(`${local.svc.inputBucket}/${INPUT}`);
  // And the row follows the job to its final state without a reload.
  const final = await waitForFinal(local.svc, job.Id);
  await page.locator(`tr[data-job-id="${job.Id}"][data-state="${final.State}"]`).waitFor({ timeout: 10_000 });
});

test('a job page shows its images, decoded at the size the job wrote them', async () => {
  const job = await submit(local.svc, 'mts-v3', {
    Input: input(),
    SnapshotConfig: JSON.stringify({ OutputFile: output('images/{Count}.jpg'), Time: '0', Interval: '1', Num: '3', Width: '96' }),
  });
  expectSuccess(await waitForFinal(local.svc, job.Id));
  await page.goto(consoleUrl(`/job/${job.Id}`));
  const images = page.locator('.images img');
  await images.first().waitFor();
  expect(await images.count()).toBe(3);
  for (let i = 0; i < 3; i++) {
    const img = images.nth(i);
    expect(await img.getAttribute('loading')).toBe('lazy');
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await img.elementHandle());
    const key = (await img.getAttribute('data-key'))!;
    const decoded = await img.evaluate((el: HTMLImageElement) => ({ width: el.naturalWidth, height: el.naturalHeight }));
    expect(key).toBe(`images/0000${i + 1}.jpg`);
    expect(decoded).toEqual(await jpegSize(local.objectPath(key)));
    expect(decoded).toEqual({ width: 96, height: 54 });
  }
});

/** The cue of a WebVTT file covering `t` seconds. */
function cueAt(vtt: string, t: number): string {
  for (const block of vtt.split(/\n\n+/)) {
    const m = /^(\d+):(\d+):(\d+\.\d+) --> (\d+):(\d+):(\d+\.\d+)\n(.+)$/.exec(block.trim());
    if (!m) continue;
    const start = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
    const end = Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]);
    if (start <= t && t < end) return m[7];
  }
  throw new Error(`no cue at ${t} s`);
}

/** Raw RGB of a region of a JPG, decoded by ffmpeg (not by the browser). */
async function rgbRegion(file: string, x: number, y: number, w: number, h: number): Promise<Buffer> {
  return run(ffmpegPath(), ['-v', 'error', '-i', file, '-vf', `format=rgb24,crop=${w}:${h}:${x}:${y}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
}

function meanDifference(rgba: number[], rgb: Buffer): number {
  expect(rgba.length / 4).toBe(rgb.length / 3);
  let sum = 0;
  for (let p = 0; p < rgb.length / 3; p++) for (let c = 0; c < 3; c++) sum += Math.abs(rgba[p * 4 + c] - rgb[p * 3 + c]);
  return sum / rgb.length;
}

test('the thumbnail-track preview shows, at the hovered time, the sprite region the VTT names', async () => {
  const job = await submit(local.svc, 'mts-v3', {
    Input: input(),
    SnapshotConfig: JSON.stringify({
      OutputFile: output('vtt/{FileName}-{Count}.jpg'),
      TileOutputFile: output('vtt/{FileName}-sprite-{TileCount}.jpg'),
      Time: '0', Interval: '1', Num: '4',
      TileOut: { Lines: '2', Columns: '2', CellWidth: '80', CellHeight: '45', Padding: '2', Margin: '3', IsKeepCellPic: 'false' },
      Format: 'vtt', SubOut: { IsSptFrag: 'true' },
    }),
  });
  expectSuccess(await waitForFinal(local.svc, job.Id));
  await page.goto(consoleUrl(`/job/${job.Id}`));
  await page.waitForFunction(() => {
    const v = document.querySelector('.vtt video') as HTMLVideoElement | null;
    return !!v && v.readyState >= 1 && (v.textTracks[0]?.cues?.length ?? 0) > 0;
  });
  const duration = await page.$eval('.vtt video', (v) => (v as HTMLVideoElement).duration);
  await page.locator('#vtt-seekbar').scrollIntoViewIfNeeded();
  const bar = (await page.locator('#vtt-seekbar').boundingBox())!;
  const vtt = await fs.readFile(local.objectPath('vtt/indexed.vtt'), 'utf8');

  const seen: string[] = [];
  for (const fraction of [0.1, 0.6]) {
    await page.mouse.move(bar.x + fraction * bar.width, bar.y + bar.height / 2);
    const t = fraction * duration;
    const expected = cueAt(vtt, t);
    await page.waitForFunction((target) => (document.getElementById('vtt-preview') as HTMLElement).dataset.target === target && !document.getElementById('vtt-preview')!.hidden, expected);
    seen.push(expected);

    const [, sheet, x, y, w, h] = /^(.+)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(expected)!.map((v, i) => (i > 1 ? Number(v) : v)) as [string, string, number, number, number, number];
    const shown = await page.$eval('#vtt-thumb', (c) => {
      const canvas = c as HTMLCanvasElement;
      return { width: canvas.width, height: canvas.height, rgba: Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data) };
    });
    expect({ width: shown.width, height: shown.height }).toEqual({ width: w, height: h });
    const spriteFile = local.objectPath(`vtt/${sheet}`);
    // Same pixels as the named region (up to JPEG decoder rounding), and clearly not another cell's.
    expect(meanDifference(shown.rgba, await rgbRegion(spriteFile, x, y, w, h))).toBeLessThan(4);
    const otherX = x === 3 ? 3 + 80 + 2 : 3;
    expect(meanDifference(shown.rgba, await rgbRegion(spriteFile, otherX, y, w, h))).toBeGreaterThan(20);
  }
  expect(seen[0]).not.toBe(seen[1]);
});

test('the config editor shows the error the API answers, before submitting', async () => {
  const bad = { OutputFile: output('bad/{Count}.jpg'), Time: '1000', Interval: '1', Num: 'lots' };
  // The tea SDK's error carries the API's error body as `data`.
  const sdkError = (await mtsClient(local.svc)
    .submitSnapshotJob(new SubmitSnapshotJobRequest({ input: input(), snapshotConfig: JSON.stringify(bad) }))
    .then(() => undefined, (e: { code: string; data: { Code: string; Message: string } }) => e))!;
  expect(sdkError.data.Code).toBe('InvalidParameter.NumberFormatInvalid');

  await page.goto(consoleUrl(`/try?object=${encodeURIComponent(INPUT)}`));
  await page.locator('#try-config').fill(JSON.stringify(bad, null, 2));
  const error = page.locator('#config-error');
  await error.waitFor();
  expect(await error.locator('.code').textContent()).toBe(sdkError.data.Code);
  expect(await error.locator('.message').textContent()).toBe(sdkError.data.Message);

  // Fixed, it validates and runs through the service.
  await page.locator('#try-config').fill(JSON.stringify({ ...bad, Num: '2' }));
  await page.locator('#config-status .ok').waitFor();
  await page.locator('#try-submit').click();
  await page.waitForURL(/#\/job\/[0-9a-f]{32}$/);
  const id = page.url().split('/').pop()!;
  expectSuccess(await waitForFinal(local.svc, id));
});

test('uploading a file puts it in the input bucket', async () => {
  const bytes = await fs.readFile(video);
  await page.goto(consoleUrl(`/buckets?bucket=${local.svc.inputBucket}`));
  await page.locator('#upload-file').setInputFiles({ name: 'mine.mp4', mimeType: 'video/mp4', buffer: bytes });
  await page.locator('#upload-key').fill('uploads/mine.mp4');
  await page.locator('#upload-button').click();
  await page.locator('[data-uploaded="uploads/mine.mp4"]').waitFor();
  expect(Buffer.compare(await fs.readFile(local.objectPath('uploads/mine.mp4', local.svc.inputBucket)), bytes)).toBe(0);
});
