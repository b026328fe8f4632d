/**
 * `npm run bench`: generates (or reuses) the media, runs every case with the project path and its
 * baselines interleaved, prints the table with ratios and target checks, and writes
 * bench/results/latest.json and bench/results/latency.svg.
 *
 *   npm run bench                      full run (fresh clone: < 10 min on 2 cores)
 *   npm run bench -- --quick           smoke run on small media, results under bench/.cache/results-quick/
 *   npm run bench -- --cases sync-exact,sprite   (results under bench/.cache/results-partial/)
 *
 * Targets are tracked, not asserted: the exit code is 0 unless the bench itself breaks.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderLatencySvg } from './chart-svg';
import { loadCapture, type BenchContext } from './context';
import { binaries, ffmpegVersion } from './ffmpeg';
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

function parseArgs(argv: string[]): { quick: boolean; cases: string[] } {
  const quick = argv.includes('--quick');
  const i = argv.indexOf('--cases');
  const list = i >= 0 ? (argv[i + 1] ?? '').split(',').filter(Boolean) : Object.keys(CASES);
  const unknown = list.filter((c) => !CASES[c]);
  if (unknown.length) {
    console.error(`unknown case(s): ${unknown.join(', ')}; known: ${Object.keys(CASES).join(', ')}`);
    process.exit(2);
  }
  return { quick, cases: list };
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

async function main(): Promise<void> {
  const t0 = performance.now();
  const busy0 = machineBusyMs();
  const own0 = selfCpuMs() + childrenCpuMs();
  const args = parseArgs(process.argv.slice(2));
  const log = (s: string): void => console.log(s);
  const bin = binaries();
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    wallMs: 0,
    quick: args.quick,
    machine: machine(),
    ffmpeg: { path: bin.ffmpeg, version: ffmpegVersion(), source: bin.source },
    media: [],
    cases: [],
  };
  log(`ffmpeg: ${report.ffmpeg.path} (${report.ffmpeg.source})\n  ${report.ffmpeg.version}`);
  log(`machine: ${report.machine.nproc} cores, ${report.machine.cpuModel}, ${report.machine.memGiB} GiB, node ${report.machine.node}, load ${report.machine.loadAvgAtStart.join(' ')}`);

  const media = await prepareMedia(args.quick, log);
  report.media = Object.values(media).map((v) => ({ key: v.key, label: v.label, file: path.relative(path.join(__dirname, '..'), v.file), sizeBytes: v.sizeBytes, generatedMs: Math.round(v.generatedMs) }));

  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-bench-out-'));
  const rangeServer = await new RangeServer().listen();
  const needs = new Set(args.cases.flatMap((c) => CASES[c].needs));
  const ctx: BenchContext = {
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

  try {
    for (const id of args.cases) {
      log(`\n-- ${id}`);
      const c0 = performance.now();
      let result: CaseResult;
      try {
        result = await CASES[id].run(ctx);
      } catch (e) {
        result = { id, title: id, variants: [], comparisons: [], targets: [], notes: [], error: e instanceof Error ? e.message.split('\n').slice(0, 3).join(' ') : String(e) };
      }
      result.wallMs = Math.round(performance.now() - c0);
      report.cases.push(result);
      ctx.service?.clearOutputs();
      ctx.service?.clearInputs();
      fs.rmSync(tmpDir, { recursive: true, force: true });
      fs.mkdirSync(tmpDir, { recursive: true });
    }
  } finally {
    await ctx.service?.close();
    await rangeServer.close();
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }

  report.wallMs = Math.round(performance.now() - t0);
  report.machine.loadAvgAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
  // Everything this run spent (itself, the service, every ffmpeg) has been reaped by now.
  const foreignMs = machineBusyMs() - busy0 - (selfCpuMs() + childrenCpuMs() - own0);
  report.machine.otherProcessesCpuShare = Math.max(0, Math.round((foreignMs / (report.wallMs * report.machine.nproc)) * 1000) / 1000);
  for (const c of report.cases) console.log(formatCase(c));
  console.log(formatSummary(report));

  // Only a full run of every case replaces the committed figures; quick runs (toy media) and
  // partial runs (--cases) write to the gitignored cache.
  const partial = args.cases.length < Object.keys(CASES).length;
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
