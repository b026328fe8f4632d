/**
 * Makes the pictures in docs/features.md with the project itself: a generated video goes into the
 * local service's input bucket, jobs are submitted and queried through the official MPS SDK
 * (`@alicloud/mts20140618`, only the endpoint changed) and the outputs are copied to docs/images/.
 *
 *   npx tsx scripts/make-doc-images.ts
 *
 * Writes docs/images/: the sprite sheet and its WebVTT track (same names as the service gave them,
 * so the track's relative cue URLs resolve next to it), one sync snapshot, and jobs.json: every
 * job's SnapshotConfig with what came out (State, Count, TileCount, keys written, notification),
 * the figures the documentation quotes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import MtsClient, { QuerySnapshotJobListRequest, SubmitSnapshotJobRequest } from '@alicloud/mts20140618';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { ffmpegPath, ffprobePath } from '../runtime/capture/ffmpeg-binaries';
import { startLocalService } from '../runtime/entry/local-server';
import type { LocalService } from '../runtime/entry/local-server';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MNSClient = require('@alicloud/mns');

const ROOT = path.resolve(__dirname, '..');
const IMAGES = path.join(ROOT, 'docs', 'images');
const INPUT_KEY = 'docs/mandelbrot.mp4';
const DARK_KEY = 'docs/dark-opening.mp4';
const PORTRAIT_KEY = 'docs/portrait.mp4';
const ANAMORPHIC_KEY = 'docs/anamorphic.mp4';
const DURATION_SEC = 16;
const SPRITE_BUDGET_BYTES = 150 * 1024;

const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf',
  '/usr/share/fonts/dejavu/DejaVuSansMono.ttf',
  '/usr/share/fonts/TTF/DejaVuSansMono.ttf',
  '/System/Library/Fonts/Menlo.ttc',
];

function run(bin: string, args: string[]): string {
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${path.basename(bin)} ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

/** A font file drawtext can use, or undefined: the running timestamp is only drawn when there is one. */
function findFont(ffmpeg: string): string | undefined {
  if (!/\bdrawtext\b/.test(run(ffmpeg, ['-hide_banner', '-filters']))) return undefined;
  const known = FONT_CANDIDATES.find((f) => existsSync(f));
  if (known) return known;
  const fc = spawnSync('fc-match', ['-f', '%{file}', 'monospace'], { encoding: 'utf8' });
  return fc.status === 0 && fc.stdout && existsSync(fc.stdout) ? fc.stdout : undefined;
}

/** Clockwise display rotation of the first video stream, as ffprobe reads it. */
function clockwiseRotation(file: string): number {
  const st = JSON.parse(run(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-show_streams', '-of', 'json', file])).streams?.[0] ?? {};
  const side = (st.side_data_list ?? []).find((d: { rotation?: number }) => typeof d.rotation === 'number');
  const ccw = side ? Number(side.rotation) : -Number(st.tags?.rotate ?? 0);
  return ((-ccw % 360) + 360) % 360;
}

interface SourceVideos {
  readonly timestamp: boolean;
  /** Input key -> local file. */
  readonly files: Record<string, string>;
}

/**
 * A 16 s 480x270 H.264 clip: a zoom into the Mandelbrot set with its hue turning over time, so each
 * snapshot looks different, and (when a font is found) the running time in the corner, so a reader
 * can tell which moment each cell shows. One still is rendered, then panned: rendering the fractal
 * per frame costs a minute, this a few seconds. Key frame every second.
 * Plus variants for the "correct pictures" features: a black opening, a portrait phone-style
 * recording (landscape pixels + rotation metadata), and non-square pixels.
 */
async function makeSourceVideos(dir: string): Promise<SourceVideos> {
  const ffmpeg = ffmpegPath();
  const quiet = ['-hide_banner', '-loglevel', 'error', '-y'];
  const h264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-g', '25', '-movflags', '+faststart'];
  const still = path.join(dir, 'mandelbrot.png');
  run(ffmpeg, [...quiet, '-f', 'lavfi', '-i',
    'mandelbrot=size=1920x1080:maxiter=512:outer=normalized_iteration_count:start_scale=3:end_scale=3', '-frames:v', '1', still]);
  const font = findFont(ffmpeg);
  const frames = DURATION_SEC * 25;
  // crop: the part of the still to pan over; (cx, cy): the point zoomed into, in that crop.
  const render = (out: string, crop: string, cx: number, cy: number, size: string, extra: string[] = []) => {
    const filters = [
      crop,
      `zoompan=z='pow(5,on/${frames})':x='${cx}-iw/zoom/2':y='${cy}-ih/zoom/2':d=1:s=${size}:fps=25`,
      'hue=h=t*20',
      ...(font
        ? [`drawtext=fontfile='${font}':text='%{pts\\:hms}':x=10:y=h-th-10:fontsize=22:fontcolor=white:box=1:boxcolor=black@0.55:boxborderw=5`]
        : []),
      ...extra,
      'format=yuv420p',
    ];
    run(ffmpeg, [...quiet, '-loop', '1', '-framerate', '25', '-i', still, '-vf', filters.join(','), '-t', String(DURATION_SEC), ...h264, out]);
  };
  const file = path.join(dir, 'mandelbrot.mp4');
  render(file, 'null', 968, 610, '480x270');
  // The same clip behind 1.5 s of black: what black-frame filtering skips.
  const dark = path.join(dir, 'dark-opening.mp4');
  run(ffmpeg, [...quiet, '-i', file, '-vf', "drawbox=t=fill:c=black:enable='lt(t,1.5)'", ...h264, dark]);
  // As a phone held upright records it: the picture is portrait, the stored pixels are landscape
  // (turned a quarter counter-clockwise) and the container says "rotate 90 degrees clockwise".
  const sideways = path.join(dir, 'portrait-sideways.mp4');
  render(sideways, 'crop=608:1080:664:0', 304, 610, '270x480', ['transpose=cclock']);
  // Muxers disagree on the sign of the `rotate` tag: write it, read the display matrix back, and
  // write the other sign if this build stored the opposite turn.
  const portrait = path.join(dir, 'portrait.mp4');
  const rotated = [90, 270].some((tag) => {
    run(ffmpeg, [...quiet, '-i', sideways, '-c', 'copy', '-metadata:s:v:0', `rotate=${tag}`, '-movflags', '+faststart', portrait]);
    return clockwiseRotation(portrait) === 90;
  });
  if (!rotated) throw new Error('could not write a clockwise display rotation of 90 degrees');
  // Anamorphic: 360x270 stored pixels, each 4:3 wide, displayed at 480x270.
  const anamorphic = path.join(dir, 'anamorphic.mp4');
  render(anamorphic, 'null', 968, 610, '480x270', ['scale=360:270', 'setsar=4/3']);
  return {
    timestamp: font !== undefined,
    files: { [INPUT_KEY]: file, [DARK_KEY]: dark, [PORTRAIT_KEY]: portrait, [ANAMORPHIC_KEY]: anamorphic },
  };
}

function mts(svc: LocalService): MtsClient {
  return new MtsClient(new $OpenApiUtil.Config({
    accessKeyId: svc.accessKeyId,
    accessKeySecret: svc.accessKeySecret,
    endpoint: `${svc.host}:${svc.port}`,
    protocol: 'http',
    regionId: svc.region,
    readTimeout: 30000,
  }));
}

interface JobRecord {
  name: string;
  input: string;
  snapshotConfig: Record<string, unknown>;
  pipelineId?: string;
  state: string;
  count?: string;
  tileCount?: string;
  code?: string;
  message?: string;
  keys: string[];
  notification?: unknown;
}

async function listKeys(dir: string, base = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const rel = base ? `${base}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listKeys(path.join(dir, e.name), rel)));
    else if (!e.name.startsWith('.tmp-')) out.push(rel);
  }
  return out.sort();
}

async function main(): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'snapshot-doc-images-'));
  const svc = await startLocalService({ dataDir, port: 0, log: () => undefined });
  try {
    const { files, timestamp } = await makeSourceVideos(dataDir);
    console.log(`source video: ${DURATION_SEC} s 480x270 H.264${timestamp ? ' with a running timestamp' : ' (no font found: no timestamp)'}`);
    for (const [key, src] of Object.entries(files)) {
      const inputPath = path.join(svc.bucketDir(svc.inputBucket), ...key.split('/'));
      await fs.mkdir(path.dirname(inputPath), { recursive: true });
      await fs.copyFile(src, inputPath);
    }

    const client = mts(svc);
    const loc = `oss-${svc.region}`;
    const inputOf = (key: string) => JSON.stringify({ Bucket: svc.inputBucket, Location: loc, Object: key });
    const out = (object: string) => ({ Bucket: svc.outputBucket, Location: loc, Object: object });
    const outputDir = svc.bucketDir(svc.outputBucket);
    const records: JobRecord[] = [];

    const submitAndWait = async (name: string, config: Record<string, unknown>, pipelineId?: string, inputKey = INPUT_KEY): Promise<JobRecord> => {
      const before = new Set(await listKeys(outputDir));
      const res = await client.submitSnapshotJob(new SubmitSnapshotJobRequest({
        input: inputOf(inputKey),
        snapshotConfig: JSON.stringify(config),
        ...(pipelineId ? { pipelineId, userData: JSON.stringify({ doc: name }) } : {}),
      }));
      const id = res.body!.snapshotJob!.id!;
      let job = res.body!.snapshotJob!;
      const deadline = Date.now() + 60000;
      while (job.state !== 'Success' && job.state !== 'Fail') {
        if (Date.now() > deadline) throw new Error(`${name}: job ${id} still ${job.state} after 60 s`);
        await new Promise((r) => setTimeout(r, 200));
        const q = await client.querySnapshotJobList(new QuerySnapshotJobListRequest({ snapshotJobIds: id }));
        job = q.body!.snapshotJobList!.snapshotJob![0] as typeof job;
      }
      const keys = (await listKeys(outputDir)).filter((k) => !before.has(k));
      const record: JobRecord = {
        name, input: inputKey, snapshotConfig: config, ...(pipelineId ? { pipelineId: '<PipelineId>' } : {}),
        state: job.state!, count: job.count, tileCount: job.tileCount, code: job.code, message: job.message, keys,
      };
      records.push(record);
      console.log(`${name}: ${job.state} Count=${job.count ?? '-'} TileCount=${job.tileCount ?? '-'} (${keys.length} objects)`);
      return record;
    };

    // 1. Sync: one exact frame, 480 px wide.
    const single = await submitAndWait('sync single snapshot', {
      OutputFile: out('docs/single/{FileName}-{SnapshotTime}.jpg'), Time: '7000', FrameType: 'normal', Width: '480',
    });
    // 2. Async sequence, announced on the pipeline: Num=20 every 2 s on a 16 s video stops at the end.
    const sequence = await submitAndWait('async sequence', {
      OutputFile: out('{ObjectPrefix}seq/{FileName}-{Count}.jpg'), Time: '1000', Interval: '2', Num: '20', Width: '160',
    }, svc.pipelineId);
    const mns = new MNSClient(svc.accountId, { endpoint: svc.mnsEndpoint, accessKeyId: svc.accessKeyId, accessKeySecret: svc.accessKeySecret });
    const msg = await mns.receiveMessage(svc.notificationQueue, 10);
    sequence.notification = JSON.parse(msg.body.MessageBody);
    await mns.deleteMessage(svc.notificationQueue, msg.body.ReceiptHandle);
    // 2b. Placeholders, URL-encoded as MPS documents them.
    await submitAndWait('placeholders', {
      OutputFile: out('%7BObjectPrefix%7Dnames/%7BFileName%7D.%7BExtName%7D-%7BSnapshotTime%7D.jpg'), Time: '3000', Width: '160',
    });
    // 3. Average mode and time points.
    await submitAndWait('average mode', {
      OutputFile: out('{ObjectPrefix}avg/{FileName}-{Count}.jpg'), Time: '0', Interval: '0', Num: '4', Width: '160',
    });
    await submitAndWait('time points', {
      OutputFile: out('{ObjectPrefix}points/{FileName}-{Count}-{SnapshotTime}.jpg'), TimeArray: [1500, 4000, 12500], FrameType: 'normal', Width: '160',
    });
    // 4. Several sheets: 10 cells on 2x3 sheets.
    const sheets = await submitAndWait('sprite, several sheets', {
      OutputFile: out('{ObjectPrefix}sheets/{FileName}-{Count}.jpg'),
      TileOutputFile: out('{ObjectPrefix}sheets/{FileName}-sprite-{TileCount}.jpg'),
      Time: '0', Interval: '0', Num: '10', Width: '96',
      TileOut: { Lines: '2', Columns: '3', Padding: '2', Margin: '2', Color: 'white', IsKeepCellPic: 'false' },
    });
    // 5. The picture of the docs: a 4x4 sprite with a WebVTT track pointing into it.
    const sprite = await submitAndWait('sprite with WebVTT', {
      OutputFile: out('{ObjectPrefix}vtt/{FileName}-{Count}.jpg'),
      TileOutputFile: out('{ObjectPrefix}vtt/{FileName}-sprite-{TileCount}.jpg'),
      Time: '0', Interval: '1', Num: '16',
      TileOut: { Lines: '4', Columns: '4', CellWidth: '160', CellHeight: '90', Padding: '4', Margin: '8', Color: '#1b2a41', IsKeepCellPic: 'false' },
      Format: 'vtt', SubOut: { IsSptFrag: 'true' },
    });

    // 6. Every second snapshot becomes a cell; the single images are kept; a random background.
    await submitAndWait('sprite, CellSelStep', {
      OutputFile: out('{ObjectPrefix}step/{FileName}-{Count}.jpg'),
      TileOutputFile: out('{ObjectPrefix}step/{FileName}-sprite-{TileCount}.jpg'),
      Time: '0', Interval: '2', Num: '8', Width: '96',
      TileOut: { Lines: '2', Columns: '2', CellSelStep: '2', Color: 'random' },
    });
    // 7. Black opening: the first snapshot at Time=0 with and without BlackLevel.
    const blackOff = await submitAndWait('black opening, no filter', {
      OutputFile: out('{ObjectPrefix}black-off/{FileName}-{Count}.jpg'), Time: '0', Interval: '4', Num: '3', FrameType: 'normal', Width: '160',
    }, undefined, DARK_KEY);
    const blackOn = await submitAndWait('black opening, BlackLevel=90', {
      OutputFile: out('{ObjectPrefix}black-on/{FileName}-{Count}.jpg'), Time: '0', Interval: '4', Num: '3', FrameType: 'normal', Width: '160',
      BlackLevel: '90', PixelBlackThreshold: '32',
    }, undefined, DARK_KEY);

    // 8. Correct pictures: rotation metadata and non-square pixels, no option needed.
    const portrait = await submitAndWait('portrait (rotation metadata)', {
      OutputFile: out('{ObjectPrefix}pictures/{FileName}-{SnapshotTime}.jpg'), Time: '5000', Height: '240',
    }, undefined, PORTRAIT_KEY);
    const anamorphic = await submitAndWait('non-square pixels', {
      OutputFile: out('{ObjectPrefix}pictures/{FileName}-{SnapshotTime}.jpg'), Time: '5000',
    }, undefined, ANAMORPHIC_KEY);

    for (const r of records) if (r.state !== 'Success') throw new Error(`${r.name} ended ${r.state}: ${r.code} ${r.message}`);
    await fs.mkdir(IMAGES, { recursive: true });
    const copy = async (key: string, name = path.posix.basename(key)) => {
      const target = path.join(IMAGES, name);
      await fs.copyFile(path.join(outputDir, ...key.split('/')), target);
      const { size } = await fs.stat(target);
      console.log(`docs/images/${name}: ${size} bytes`);
      return size;
    };
    await copy(single.keys[0]);
    for (const key of sheets.keys) await copy(key, `sheets-${path.posix.basename(key)}`);
    await copy(blackOff.keys[0], 'black-off-00001.jpg');
    await copy(blackOn.keys[0], 'black-on-00001.jpg');
    await copy(portrait.keys[0]);
    await copy(anamorphic.keys[0]);
    for (const key of sprite.keys) {
      const size = await copy(key);
      if (key.endsWith('.jpg') && size > SPRITE_BUDGET_BYTES) throw new Error(`${key} is ${size} bytes, over the ${SPRITE_BUDGET_BYTES} budget`);
    }
    await fs.writeFile(path.join(IMAGES, 'jobs.json'), `${JSON.stringify({ inputs: Object.keys(files), durationSec: DURATION_SEC, jobs: records }, null, 2)}\n`);
    console.log('docs/images/jobs.json: what each job wrote');
  } finally {
    await svc.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
