/**
 * The console screenshots in README.md and docs/console.md, taken from the real thing: the local
 * service on a temp data dir with its sample video, jobs submitted through the official MPS SDK,
 * and the console opened in the Chromium the tests use.
 *
 *   npx tsx scripts/make-console-screenshots.ts
 *
 * Writes docs/images/console-jobs.png, console-job-sprite.png (the sprite with its cell grid, as
 * hovering shows it) and console-vtt-preview.png (the thumbnail the WebVTT track names for the
 * hovered time on the seek bar).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import MtsClient, { QuerySnapshotJobListRequest, SubmitSnapshotJobRequest } from '@alicloud/mts20140618';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import type { Page } from 'playwright-core';
import { startLocalService } from '../runtime/entry/local-server';
import type { LocalService } from '../runtime/entry/local-server';
import { SAMPLE_KEY } from '../runtime/entry/sample-video';
import { launchChromium } from '../test/support/chromium';

const IMAGES = path.resolve(__dirname, '..', 'docs', 'images');

function client(svc: LocalService): MtsClient {
  return new MtsClient(new $OpenApiUtil.Config({
    accessKeyId: svc.accessKeyId, accessKeySecret: svc.accessKeySecret,
    endpoint: `${svc.host}:${svc.port}`, protocol: 'http', regionId: svc.region, readTimeout: 30_000, connectTimeout: 15_000,
  }));
}

async function submitJobs(svc: LocalService): Promise<{ spriteJob: string }> {
  const mts = client(svc);
  const loc = `oss-${svc.region}`;
  const out = (object: string) => ({ Bucket: svc.outputBucket, Location: loc, Object: object });
  const submit = async (config: Record<string, unknown>, object = SAMPLE_KEY, pipelineId?: string) => {
    const input = JSON.stringify({ Bucket: svc.inputBucket, Location: loc, Object: object });
    try {
      const r = await mts.submitSnapshotJob(new SubmitSnapshotJobRequest({ input, snapshotConfig: JSON.stringify(config), pipelineId }));
      return r.body!.snapshotJob!.id!;
    } catch (e) {
      process.stdout.write(`refused as expected? ${(e as Error).message.split(' request id')[0]}\n`);
      return undefined; // a sync job that fails is still listed, as Fail
    }
  };
  const ids: (string | undefined)[] = [];
  ids.push(await submit({ OutputFile: out('shots/{FileName}-{SnapshotTime}.jpg'), Time: '5000', Width: '320' }));
  ids.push(await submit({ OutputFile: out('shots/{FileName}.jpg'), Time: '5000' }, 'sample/missing.mp4'));
  ids.push(await submit({ OutputFile: out('seq/{FileName}-{Count}.jpg'), Time: '0', Interval: '2', Num: '5', Width: '160' }, SAMPLE_KEY, svc.pipelineId));
  const spriteJob = await submit({
    OutputFile: out('vtt/{FileName}-{Count}.jpg'),
    TileOutputFile: out('vtt/{FileName}-sprite-{TileCount}.jpg'),
    Time: '0', Interval: '1', Num: '10',
    TileOut: { Lines: '3', Columns: '4', CellWidth: '160', CellHeight: '90', Padding: '4', Margin: '8', Color: '#1b2a41', IsKeepCellPic: 'false' },
    Format: 'vtt', SubOut: { IsSptFrag: 'true' },
  }, SAMPLE_KEY, svc.pipelineId);
  if (!spriteJob) throw new Error('the sprite job was refused');
  ids.push(spriteJob);
  for (const id of ids.filter((i): i is string => !!i)) {
    for (;;) {
      const r = await mts.querySnapshotJobList(new QuerySnapshotJobListRequest({ snapshotJobIds: id }));
      const state = r.body?.snapshotJobList?.snapshotJob?.[0]?.state;
      if (state === 'Success' || state === 'Fail') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return { spriteJob };
}

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => Promise.all(Array.from(document.images).map((i) => i.decode().catch(() => undefined))));
}

async function main(): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'console-shots-'));
  const svc = await startLocalService({ dataDir, port: 0, seedSample: true, log: () => {} });
  const browser = await launchChromium();
  try {
    const { spriteJob } = await submitJobs(svc);
    const page = await browser.newPage({ viewport: { width: 1180, height: 760 } });

    await page.goto(`${svc.endpoint}/console/#/jobs`);
    await page.waitForSelector('tr[data-job-id]');
    await settle(page);
    await page.screenshot({ path: path.join(IMAGES, 'console-jobs.png'), clip: { x: 0, y: 0, width: 1180, height: 345 } });

    await page.setViewportSize({ width: 1180, height: 1000 });
    await page.goto(`${svc.endpoint}/console/#/job/${spriteJob}`);
    await page.waitForSelector('.sprite img');
    await settle(page);
    const sprite = page.locator('.sprite-figure').first();
    await sprite.scrollIntoViewIfNeeded();
    const box = (await page.locator('.sprite img').first().boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.5); // over cell 6
    const spriteArea = (await page.locator('.sprites').locator('..').boundingBox())!;
    await page.screenshot({ path: path.join(IMAGES, 'console-job-sprite.png'), clip: { x: spriteArea.x, y: spriteArea.y, width: 720, height: spriteArea.height } });

    await page.mouse.move(0, 0);
    await page.locator('.vtt').locator('..').evaluate((el) => el.scrollIntoView()); // the whole section in view, at the top
    const bar = page.locator('#vtt-seekbar');
    const b = (await bar.boundingBox())!;
    // Seek there too, so the picture and the thumbnail the track names for that moment show side by side.
    await page.mouse.click(b.x + b.width * 0.43, b.y + b.height / 2);
    await page.waitForFunction(() => {
      const v = document.querySelector('.vtt video') as HTMLVideoElement;
      return v.currentTime > 4 && !v.seeking && v.readyState >= 2;
    });
    await page.waitForSelector('#vtt-preview:not([hidden])');
    // A page screenshot of the region: an element screenshot would scroll, and the pointer would leave the bar.
    const area = (await page.locator('.vtt').locator('..').boundingBox())!;
    await page.screenshot({ path: path.join(IMAGES, 'console-vtt-preview.png'), clip: { x: area.x, y: area.y, width: 760, height: area.height } });
    process.stdout.write(`wrote console-jobs.png, console-job-sprite.png, console-vtt-preview.png to ${IMAGES}\n`);
  } finally {
    await browser.close();
    await svc.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
