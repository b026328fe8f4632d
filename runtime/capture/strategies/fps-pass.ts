/**
 * Strategy for dense, evenly spaced times (sprites over a whole video; Num frames spread over it):
 * ONE decode pass in which ffmpeg itself picks, for every time T_k = T0 + k·step, the last frame
 * at or before T_k (key frames only for intra), and either encodes each pick (single pictures) or
 * tiles the picks straight into sprite sheets (`tile`), never encoding a cell on its own.
 *
 * The pick is ffmpeg's `fps` filter: with timestamps shifted so that T_k lands just below slot
 * k+1 (shift T0 − step + EPS) and `round=down`, slot k holds the latest frame with t ≤ T_k + EPS;
 * a frame serves several slots when the times are closer than the key frames. `eof_action=pass`
 * rounds the end of the stream up, so the last slots are filled by the last frame (with
 * `-skip_frame nokey` ffmpeg 5 ends the stream at the last key frame's own time).
 *
 * The last sprite sheet may have fewer rows: it goes to a second output (fd 3), tiled with its
 * own row count. A pass that yields fewer slots than asked (times past the stream's end) returns
 * undefined and the caller takes the general path.
 */
import type { MediaSource } from '../../core/ports';
import type { FrameType } from '../../core/model';
import { runFfmpeg } from '../ffmpeg-process';
import type { Grabbed } from '../frame-grabber';
import { splitJpegs } from '../jpeg-stream';
import { jpegOutputOptions } from '../picture-filters';
import type { ProcessPool } from '../process-pool';
import { tileFilters } from '../sprite-composer';

const EPS = 0.0005;
const TOLERANCE_SEC = 0.001 + 1e-9;
/** Below this the pass reads from the start instead of seeking (see frame-grabber). */
const NO_SEEK_BELOW_SEC = 0.25;

export interface EvenTimes {
  readonly startSec: number;
  readonly stepSec: number;
  readonly count: number;
}

/**
 * The times as T0 + k·step when they are, to the millisecond (average mode floors each time to a
 * whole millisecond), else undefined.
 */
export function evenlySpaced(timesSec: readonly number[]): EvenTimes | undefined {
  const n = timesSec.length;
  if (n < 2) return undefined;
  const startSec = timesSec[0];
  const stepSec = (timesSec[n - 1] - startSec) / (n - 1);
  if (!(stepSec > 0)) return undefined;
  for (let k = 0; k < n; k++) if (Math.abs(timesSec[k] - (startSec + k * stepSec)) > TOLERANCE_SEC) return undefined;
  return { startSec, stepSec, count: n };
}

export interface SheetGrid {
  readonly columns: number;
  readonly lines: number;
  readonly margin: number;
  readonly padding: number;
  readonly background: string;
  /** Every `cellSelStep`-th picked frame becomes a cell, starting with the first. */
  readonly cellSelStep: number;
}

interface PassArgs {
  pool: ProcessPool;
  signal?: AbortSignal;
  frameType: FrameType;
  frameRate: number;
  onDump?: (stderr: string) => void;
}

/**
 * The shared head of the graph: decode, pick one frame per slot, picture filters. The picture
 * filters run before the pick when there are more slots than frames (a frame repeated in many
 * cells is scaled once), after it otherwise. A `showinfo` on the small pictures tells whether the
 * first slot got a frame: before the pick it reports the frames that enter it, after the pick the
 * slots (never one line per slot when slots outnumber frames: 100,000 log lines cost more than the
 * pass; and never on full-size frames: showinfo's per-plane statistics cost ~3 ms a 1080p frame).
 */
function pickGraph(times: EvenTimes, frameType: FrameType, seekSec: number, picture: readonly string[], frameRate: number): string[] {
  const lastRel = times.startSec + (times.count - 1) * times.stepSec - seekSec;
  const shift = times.startSec - seekSec - times.stepSec + EPS;
  // Key frames are few: scaling each once is cheap. All frames: only when slots outnumber them.
  const pictureFirst = frameType === 'intra' || times.stepSec < 1 / frameRate;
  const pick = [
    `setpts=PTS-(${shift.toFixed(6)})/TB`,
    `fps=fps=1/${times.stepSec.toFixed(6)}:round=down:eof_action=pass`,
    'trim=start=0',
    `trim=end_frame=${times.count}`,
  ];
  return [
    // Nothing after the last time is decoded.
    `trim=end=${(lastRel + EPS).toFixed(6)}`,
    // Decoders that ignore -skip_frame (VP9) still deliver every frame.
    ...(frameType === 'intra' ? ['select=eq(key\\,1)'] : []),
    ...(pictureFirst ? [...picture, 'showinfo@picks', ...pick] : [...pick, ...picture, 'showinfo@slots']),
  ];
}

/**
 * Whether every slot gets a frame: the pick fills all slots from the first frame on (the end is
 * filled by the last frame), so only a first frame after T0 (the first slot not 0) leaves slots out.
 */
function fillsEverySlot(stderr: string, times: EvenTimes, seekSec: number): boolean {
  const first = /\[showinfo@(picks|slots) @ [^\]]+\] n:\s*\d+ pts:\s*(-?\d+) pts_time:\s*(-?[\d.e+-]+)/.exec(stderr);
  if (!first) return false;
  return first[1] === 'slots' ? Number(first[2]) === 0 : Number(first[3]) <= times.startSec - seekSec + EPS;
}

function inputOptions(times: EvenTimes, frameType: FrameType): { seekSec: number; options: string[] } {
  const seekSec = times.startSec < NO_SEEK_BELOW_SEC ? 0 : times.startSec;
  const options = [...(frameType === 'intra' ? ['-skip_frame', 'nokey'] : []), ...(seekSec > 0 ? ['-noaccurate_seek', '-ss', seekSec.toFixed(6)] : [])];
  return { seekSec, options };
}

/** One picture per time, in order; undefined when the pass could not fill every slot. */
export async function fpsPassFrames(source: MediaSource, times: EvenTimes, picture: readonly string[], a: PassArgs): Promise<Grabbed[] | undefined> {
  const { seekSec, options } = inputOptions(times, a.frameType);
  const { stdout, stderr } = await a.pool.run(
    () =>
      runFfmpeg({
        inputs: [{ source: source.uri, options: [...options, '-threads', String(a.pool.threadsPerProcess())] }],
        outputOptions: ['-map', '0:v:0', '-an', '-sn', '-vf', pickGraph(times, a.frameType, seekSec, picture, a.frameRate).join(','), '-vsync', '0', ...jpegOutputOptions()],
        signal: a.signal,
      }),
    a.signal,
  );
  a.onDump?.(stderr);
  const jpegs = splitJpegs(stdout);
  if (!fillsEverySlot(stderr, times, seekSec) || jpegs.length !== times.count) return undefined;
  return jpegs.map((jpeg, k) => ({ timeSec: times.startSec + k * times.stepSec, jpeg }));
}

/**
 * The sheets of a sprite, tiled in the decode pass. `picture` must scale to the cell size.
 * Undefined when the pass could not fill every slot.
 */
export async function fpsPassSheets(source: MediaSource, times: EvenTimes, picture: readonly string[], grid: SheetGrid, a: PassArgs): Promise<Buffer[] | undefined> {
  const step = Math.max(1, Math.floor(grid.cellSelStep));
  const cells = Math.ceil(times.count / step);
  const perSheet = grid.columns * grid.lines;
  const fullSheets = Math.floor(cells / perSheet);
  const rest = cells - fullSheets * perSheet;
  const tile = (rows: number, n: number) => tileFilters({ columns: grid.columns, rows, cells: n, margin: grid.margin, padding: grid.padding, background: grid.background }).join(',');
  const branches: { label: string; chain: string }[] = [];
  // With both kinds of sheet, a split sends the first cells to the full sheets, the rest to the last.
  const split = fullSheets > 0 && rest > 0;
  if (fullSheets > 0) branches.push({ label: 'full', chain: `${split ? `trim=end_frame=${fullSheets * perSheet},` : ''}${tile(grid.lines, perSheet)}` });
  if (rest > 0) branches.push({ label: 'last', chain: `${split ? `trim=start_frame=${fullSheets * perSheet},` : ''}${tile(Math.ceil(rest / grid.columns), rest)}` });

  const { seekSec, options } = inputOptions(times, a.frameType);
  const { stdout, stderr, extra } = await a.pool.run(() => {
    const head = [...pickGraph(times, a.frameType, seekSec, picture, a.frameRate), ...(step > 1 ? [`select=not(mod(n\\,${step}))`] : [])].join(',');
    const graph =
      branches.length === 1
        ? `[0:v:0]${head},${branches[0].chain}[${branches[0].label}]`
        : `[0:v:0]${head},split=2[a][b];[a]${branches[0].chain}[full];[b]${branches[1].chain}[last]`;
    const out = (label: string) => ['-map', `[${label}]`, '-vsync', '0', ...jpegOutputOptions()];
    return runFfmpeg({
      inputs: [{ source: source.uri, options: [...options, '-threads', String(a.pool.threadsPerProcess())] }],
      outputOptions: ['-filter_complex', graph, ...out(branches[0].label)],
      extraOutputs: branches.length === 2 ? [out('last')] : [],
      signal: a.signal,
    });
  }, a.signal);
  a.onDump?.(stderr);
  if (!fillsEverySlot(stderr, times, seekSec)) return undefined;
  const sheets = [...splitJpegs(stdout), ...(extra[0] ? splitJpegs(extra[0]) : [])];
  return sheets.length === fullSheets + (rest > 0 ? 1 : 0) ? sheets : undefined;
}
