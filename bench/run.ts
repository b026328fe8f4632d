/**
 * `npm run bench`: generates (or reuses) the media, runs every case with the project path and its
 * baselines interleaved, prints the table with ratios and target checks, and writes
 * bench/results/latest.json and bench/results/latency.svg.
 *
 *   npm run bench                      full run (fresh clone: < 10 min on 2 cores)
 *   npm run bench -- --quick           smoke run on small media, results under bench/.cache/results-quick/
 *   npm run bench -- --cases sync-exact,sprite   (results under bench/.cache/results-partial/)
 *   npm run bench -- --ffmpeg system|npm|both    which build(s); default both
 *
 * Builds (bench/ffmpeg.ts): every case runs with the system ffmpeg when there is one (else the npm
 * build); with `both` the key cases (SECOND_CASES) then run again with the npm build, without the
 * naive full-decode baselines, as a second column.
 *
 * Targets are tracked, not asserted: the exit code is 0 unless the bench itself breaks.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderLatencySvg } from './chart-svg';
import { loadCapture, type BenchContext } from './context';
import { builds, ffmpegVersion, useBinaries, type Binaries } from './ffmpeg';
import { prepareMedia } from './media';
import { childrenCpuMs, machineBusyMs, selfCpuMs } from './proc';
import { RangeServer } from './range-server';
import { formatCase, formatMarkdown, formatSummary, type BenchReport, type CaseResult } from './report';
import { BenchService } from './service';
import { httpReadFaststart, httpReadMoovEnd } from './cases/http-read';
import { asyncSequence, sprite } from './cases/sequence';
import { sync4k, syncExact, syncIntra } from './cases/sync';
import { synth } from './cases/synth';
import { throughput } from './cases/throughput';

const CASES: Record<string, { needs: ('service' | 'capture')[]; run: (ctx: BenchContext) => Promise<CaseResult> }> = {
  'sync-exact': { needs: ['service'], run: syncExact },
  'sync-intra': { needs: ['service'], run: syncIntra },
  'sync-4k': { needs: ['service'], run: sync4k },
  'async-seq': { needs: ['service'], run: asyncSequence },
  sprite: { needs: ['service'], run: sprite },
  'http-faststart': { needs: ['capture'], run: httpReadFaststart },
  'http-moovend': { needs: ['capture'], run: httpReadMoovEnd },
  throughput: { needs: ['service'], run: throughput },
  synth: { needs: [], run: synth },
};

/** The cases the second build runs: the targets' ratios and bytes. */
const SECOND_CASES = ['sync-exact', 'sync-intra', 'sprite', 'http-faststart'];

function parseArgs(argv: string[]): { quick: boolean; cases: string[]; ffmpeg: 'system' | 'npm' | 'both' } {
  const quick = argv.includes('--quick');
  const f = argv.indexOf('--ffmpeg');
  const ffmpeg = (f >= 0 ? argv[f + 1] : 'both') as 'system' | 'npm' | 'both';
  if (!['system', 'npm', 'both'].includes(ffmpeg)) {
    console.error(`--ffmpeg takes system, npm or both, got ${ffmpeg}`);
    process.exit(2);
  }
  const i = argv.indexOf('--cases');
  const list = i >= 0 ? (argv[i + 1] ?? '').split(',').filter(Boolean) : Object.keys(CASES);
  const unknown = list.filter((c) => !CASES[c]);
  if (unknown.length) {
    console.error(`unknown case(s): ${unknown.join(', ')}; known: ${Object.keys(CASES).join(', ')}`);
    process.exit(2);
  }
  return { quick, cases: list, ffmpeg };
}

function machine(): BenchReport['machine'] {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    nproc: os.cpus().length,
    cpuModel: model,
    memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadAvgAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

function ffmpegInfo(b: Binaries): BenchReport['ffmpeg'] {
  return { build: b.name, path: b.shown, version: ffmpegVersion(), source: 'bench/ffmpeg.ts (FFMPEG_PATH for the capture module and the service child)' };
}

/** Runs `ids` with the build pinned now: its own service child and capture module. */
async function runPhase(ids: string[], base: Omit<BenchContext, 'service' | 'serviceError' | 'newCapture' | 'captureError'>, log: (s: string) => void): Promise<CaseResult[]> {
  const ctx: BenchContext = { ...base };
  const needs = new Set(ids.flatMap((c) => CASES[c].needs));
  if (needs.has('service')) {
    if (!fs.existsSync(path.join(__dirname, '..', 'runtime', 'entry', 'local-server.ts'))) {
      ctx.serviceError = 'runtime/entry/local-server.ts does not exist yet';
    } else {
      try {
        ctx.service = await BenchService.start({ syncTimeoutMs: 120000 });
        log(`service: ${ctx.service.info.endpoint} (pid ${ctx.service.pid})`);
      } catch (e) {
        ctx.serviceError = `the local service did not start: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
      }
    }
    if (ctx.serviceError) log(`service: NOT AVAILABLE (${ctx.serviceError}); API cases run their baselines only`);
  }
  if (needs.has('capture') || needs.has('service')) {
    const c = loadCapture();
    ctx.newCapture = c.newCapture;
    ctx.captureError = c.error;
    if (c.error) log(`capture module: NOT AVAILABLE (${c.error})`);
  }
  const results: CaseResult[] = [];
  try {
    for (const id of ids) {
      log(`\n-- ${id}`);
      const c0 = performance.now();
      let result: CaseResult;
      try {
        result = await CASES[id].run(ctx);
      } catch (e) {
        result = { id, title: id, variants: [], comparisons: [], targets: [], notes: [], error: e instanceof Error ? e.message.split('\n').slice(0, 3).join(' ') : String(e) };
      }
      result.wallMs = Math.round(performance.now() - c0);
      results.push(result);
      ctx.service?.clearOutputs();
      ctx.service?.clearInputs();
      fs.rmSync(ctx.tmpDir, { recursive: true, force: true });
      fs.mkdirSync(ctx.tmpDir, { recursive: true });
    }
  } finally {
    await ctx.service?.close();
  }
  return results;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const busy0 = machineBusyMs();
  const own0 = selfCpuMs() + childrenCpuMs();
  const args = parseArgs(process.argv.slice(2));
  const log = (s: string): void => console.log(s);
  const found = builds();
  const primary = args.ffmpeg === 'npm' ? found.npm : (found.env ?? found.system ?? found.npm);
  if (!primary) throw new Error(`no ${args.ffmpeg === 'npm' ? 'npm' : ''} ffmpeg found: install one on PATH or run npm install`);
  const second = args.ffmpeg === 'both' && found.npm && found.npm.ffmpeg !== primary.ffmpeg ? found.npm : undefined;
  useBinaries(primary);
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    wallMs: 0,
    quick: args.quick,
    machine: machine(),
    ffmpeg: ffmpegInfo(primary),
    media: [],
    cases: [],
  };
  log(`ffmpeg: ${report.ffmpeg.build} build, ${report.ffmpeg.path}\n  ${report.ffmpeg.version}`);
  log(`machine: ${report.machine.nproc} cores, ${report.machine.cpuModel}, ${report.machine.memGiB} GiB, node ${report.machine.node}, load ${report.machine.loadAvgAtStart.join(' ')}`);

  const media = await prepareMedia(args.quick, log);
  report.media = Object.values(media).map((v) => ({ key: v.key, label: v.label, file: path.relative(path.join(__dirname, '..'), v.file), sizeBytes: v.sizeBytes, generatedMs: Math.round(v.generatedMs) }));

  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-bench-out-'));
  const rangeServer = await new RangeServer().listen();
  const base = {
    quick: args.quick,
    media,
    reps: args.quick ? 2 : 4,
    // A full decode of the 10-minute file takes ~40 s; when this run also had to generate the
    // media, one repetition keeps a fresh clone inside the 10-minute budget.
    heavyReps: args.quick || Object.values(media).some((v) => v.generatedMs > 0) ? 1 : 2,
    tmpDir,
    rangeServer,
    log,
  };
  try {
    report.cases = await runPhase(args.cases, base, log);
    const secondIds = args.cases.filter((c) => SECOND_CASES.includes(c));
    if (second && secondIds.length > 0) {
      useBinaries(second);
      const info = ffmpegInfo(second);
      log(`\n== second build: ${info.build}, ${info.path}\n  ${info.version}`);
      report.second = { ffmpeg: info, cases: await runPhase(secondIds, { ...base, secondary: true }, log) };
      useBinaries(primary);
    }
  } finally {
    await rangeServer.close();
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }

  report.wallMs = Math.round(performance.now() - t0);
  report.machine.loadAvgAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
  // Everything this run spent (itself, the service, every ffmpeg) has been reaped by now.
  const foreignMs = machineBusyMs() - busy0 - (selfCpuMs() + childrenCpuMs() - own0);
  report.machine.otherProcessesCpuShare = Math.max(0, Math.round((foreignMs / (report.wallMs * report.machine.nproc)) * 1000) / 1000);
  for (const c of report.cases) console.log(formatCase(c));
  if (report.second) {
    console.log(`\n==== with the ${report.second.ffmpeg.build} build (${report.second.ffmpeg.version})`);
    for (const c of report.second.cases) console.log(formatCase(c));
  }
  console.log(formatSummary(report));

  // Only a full run of every case (with both builds where there are two) replaces the committed
  // figures; quick runs (toy media) and partial runs write to the gitignored cache.
  const partial = args.cases.length < Object.keys(CASES).length || (found.system !== undefined && found.npm !== undefined && !report.second);
  const outDir = args.quick ? path.join(__dirname, '.cache', 'results-quick') : partial ? path.join(__dirname, '.cache', 'results-partial') : path.join(__dirname, 'results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'latency.svg'), renderLatencySvg(report));
  fs.writeFileSync(path.join(outDir, 'latest.md'), formatMarkdown(report));
  console.log(`wrote ${path.relative(process.cwd(), outDir)}/latest.json, latest.md and latency.svg`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
