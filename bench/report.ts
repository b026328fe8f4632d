/**
 * The shape of a bench run, its console table, and the target checks. Targets are tracked, never
 * asserted: a miss is printed with its margin and the run still exits 0.
 */
import type { VariantResult } from './harness';

export interface Comparison {
  project: string;
  baseline: string;
  /** median(project) / median(baseline), wall time. Below 1 means the project is faster. */
  ratio: number;
}

export interface TargetCheck {
  text: string;
  value: number;
  limit: number;
  unit: 's' | 'x' | '%' | 'MB';
  met: boolean;
  /** limit - value, in `unit` (positive = room left, negative = missed by). */
  margin: number;
}

export interface CaseResult {
  id: string;
  title: string;
  media?: string;
  variants: VariantResult[];
  comparisons: Comparison[];
  targets: TargetCheck[];
  notes: string[];
  /** Case-specific figures (bytes read, throughput table, ...). */
  extra?: Record<string, unknown>;
  /** Set when the case could not run (a piece missing or broken); the rest of the run goes on. */
  error?: string;
  wallMs?: number;
}

export interface BenchReport {
  startedAt: string;
  wallMs: number;
  quick: boolean;
  machine: { nproc: number; cpuModel: string; memGiB: number; node: string; loadAvgAtStart: number[]; loadAvgAtEnd?: number[]; otherProcessesCpuShare?: number };
  ffmpeg: FfmpegInfo;
  media: { key: string; label: string; file: string; sizeBytes: number; generatedMs: number }[];
  cases: CaseResult[];
  /** The key cases again with the second build (`--ffmpeg both`). */
  second?: { ffmpeg: FfmpegInfo; cases: CaseResult[] };
}

export interface FfmpegInfo {
  /** `system`, `npm` or `FFMPEG_PATH`. */
  build: string;
  /** Relative to the repository, or the binary's name: never a machine's absolute path. */
  path: string;
  version: string;
  source: string;
}

export function atMost(text: string, value: number, limit: number, unit: TargetCheck['unit']): TargetCheck {
  return { text, value, limit, unit, met: value <= limit, margin: limit - value };
}

export function atLeast(text: string, value: number, limit: number, unit: TargetCheck['unit']): TargetCheck {
  return { text, value, limit, unit, met: value >= limit, margin: value - limit };
}

export function ratioOf(variants: VariantResult[], project: string, baseline: string): Comparison | undefined {
  const p = variants.find((v) => v.id === project);
  const b = variants.find((v) => v.id === baseline);
  if (!p || !b) return undefined;
  return { project, baseline, ratio: p.wall.median / b.wall.median };
}

const sec = (ms: number): string => (ms >= 10000 ? (ms / 1000).toFixed(1) : (ms / 1000).toFixed(3));
const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

export function fmtValue(v: number, unit: TargetCheck['unit']): string {
  switch (unit) {
    case 's':
      return `${sec(v * 1000)} s`;
    case 'x':
      return `${v.toFixed(2)}x`;
    case '%':
      return `${v.toFixed(2)}%`;
    case 'MB':
      return `${v.toFixed(1)} MB`;
  }
}

export function formatTarget(t: TargetCheck): string {
  const margin = `${t.margin >= 0 ? 'margin' : 'missed by'} ${fmtValue(Math.abs(t.margin), t.unit)}`;
  return `${t.met ? 'MET   ' : 'MISSED'} ${t.text}: ${fmtValue(t.value, t.unit)} vs ${fmtValue(t.limit, t.unit)} (${margin})`;
}

export function formatCase(c: CaseResult): string {
  const lines: string[] = [];
  lines.push(`\n== ${c.id}: ${c.title}${c.media ? ` [${c.media}]` : ''}`);
  if (c.error) {
    lines.push(`   NOT RUN: ${c.error}`);
    return lines.join('\n');
  }
  const project = c.variants.find((v) => v.role === 'project');
  lines.push(`   ${pad('variant', 46)} ${lpad('median', 9)} ${lpad('min..max', 17)} ${lpad('cpu', 8)} ${lpad('read', 9)}  project/this`);
  for (const v of c.variants) {
    const ratio = project && v.role !== 'project' ? `${(project.wall.median / v.wall.median).toFixed(2)}x` : '';
    const bytes = v.bytes ? `${(v.bytes.median / 1e6).toFixed(1)}MB` : '';
    lines.push(
      `   ${pad(`${v.role === 'project' ? '*' : ' '} ${v.label}`, 46)} ${lpad(`${sec(v.wall.median)} s`, 9)} ${lpad(`${sec(v.wall.min)}..${sec(v.wall.max)}`, 17)} ${lpad(v.cpu ? `${sec(v.cpu.median)}` : '', 8)} ${lpad(bytes, 9)}  ${ratio}`,
    );
  }
  for (const t of c.targets) lines.push(`   ${formatTarget(t)}`);
  for (const n of c.notes) lines.push(`   note: ${n}`);
  return lines.join('\n');
}

export function formatSummary(r: BenchReport): string {
  const all = [...r.cases, ...(r.second?.cases ?? [])].flatMap((c) => c.targets);
  const met = all.filter((t) => t.met).length;
  const notRun = r.cases.filter((c) => c.error).map((c) => c.id);
  return [
    `\ntargets: ${met}/${all.length} met${notRun.length ? `; cases not run: ${notRun.join(', ')}` : ''}`,
    `bench wall time: ${(r.wallMs / 1000).toFixed(1)} s; load average at start ${r.machine.loadAvgAtStart.join(' ')}, at end ${(r.machine.loadAvgAtEnd ?? []).join(' ')}`,
    r.machine.otherProcessesCpuShare !== undefined
      ? `other processes on this machine used ${(100 * r.machine.otherProcessesCpuShare).toFixed(0)}% of its CPU during the run (0% = a quiet machine)`
      : '',
  ].join('\n');
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

function caseTable(cases: CaseResult[]): string[] {
  const out: string[] = [];
  out.push('| case | variant | median | min..max | CPU s (median) | read | project / this |');
  out.push('|---|---|---:|---:|---:|---:|---:|');
  for (const c of cases) {
    if (c.error) {
      out.push(`| ${cell(c.title)} | not run: ${cell(c.error)} | | | | | |`);
      continue;
    }
    const project = c.variants.find((v) => v.role === 'project');
    c.variants.forEach((v, i) => {
      const ratio = project && v.role !== 'project' ? `${(project.wall.median / v.wall.median).toFixed(2)}x` : '';
      const name = v.role === 'project' ? `**${cell(v.label)}**` : cell(v.label);
      out.push(
        `| ${i === 0 ? cell(c.title) : ''} | ${name} | ${sec(v.wall.median)} s | ${sec(v.wall.min)}..${sec(v.wall.max)} | ${v.cpu ? sec(v.cpu.median) : ''} | ${v.bytes ? `${(v.bytes.median / 1e6).toFixed(1)} MB / ${v.requests?.median ?? ''} req` : ''} | ${ratio} |`,
      );
    });
  }
  return out;
}

function targetTable(cases: CaseResult[]): string[] {
  const out = ['| target | result | value | limit | margin |', '|---|---|---:|---:|---:|'];
  for (const c of cases) {
    for (const t of c.targets) {
      out.push(`| ${cell(t.text)} | ${t.met ? 'MET' : '**MISSED**'} | ${fmtValue(t.value, t.unit)} | ${fmtValue(t.limit, t.unit)} | ${t.margin >= 0 ? '' : '-'}${fmtValue(Math.abs(t.margin), t.unit)} |`);
    }
  }
  return out;
}

/** Each target of the second build's cases next to the same target with the first build. */
function bothBuilds(r: BenchReport): string[] {
  if (!r.second) return [];
  const out = [`| target | ${r.ffmpeg.build} build | ${r.second.ffmpeg.build} build |`, '|---|---:|---:|'];
  for (const c of r.second.cases) {
    const first = r.cases.find((x) => x.id === c.id);
    for (const t of c.targets) {
      const u = first?.targets.find((x) => x.text === t.text);
      const show = (x?: TargetCheck) => (x ? `${fmtValue(x.value, x.unit)} ${x.met ? 'MET' : '**MISSED**'}` : 'not run');
      out.push(`| ${cell(t.text)} | ${show(u)} | ${show(t)} |`);
    }
  }
  return out;
}

const ffmpegLine = (f: FfmpegInfo): string => `ffmpeg (${f.build} build): \`${f.version}\`, \`${f.path}\`.`;

/** The same figures as Markdown, for docs/performance.md. */
export function formatMarkdown(r: BenchReport): string {
  const out: string[] = [];
  out.push(`Run of ${r.startedAt} (${r.quick ? 'QUICK, small media' : 'full'}), ${(r.wallMs / 1000).toFixed(0)} s wall. ${r.machine.nproc} cores (${r.machine.cpuModel}), ${r.machine.memGiB} GiB, Node ${r.machine.node}.`);
  out.push(ffmpegLine(r.ffmpeg));
  if (r.second) out.push(`Second column: ${ffmpegLine(r.second.ffmpeg)}`);
  if (r.machine.otherProcessesCpuShare !== undefined) {
    out.push(
      `Other processes used ${(100 * r.machine.otherProcessesCpuShare).toFixed(0)}% of the machine's CPU during the run (load average ${r.machine.loadAvgAtStart.join(' ')} at start, ${(r.machine.loadAvgAtEnd ?? []).join(' ')} at end).`,
    );
  }
  if (r.second) out.push('', ...bothBuilds(r));
  out.push('', `With the ${r.ffmpeg.build} build:`, '', ...caseTable(r.cases), '', ...targetTable(r.cases));
  if (r.second) out.push('', `With the ${r.second.ffmpeg.build} build:`, '', ...caseTable(r.second.cases), '', ...targetTable(r.second.cases));
  return `${out.join('\n')}\n`;
}
