/**
 * Latency per case as a horizontal bar chart (median bar, min-max whisker, log time axis so a
 * 0.2 s capture and a 40 s full decode share one picture). Plain SVG, no dependencies.
 */
import type { BenchReport } from './report';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

type Bar = { kind: 'bar'; label: string; role: string; median: number; min: number; max: number };
type Item = { kind: 'head'; text: string } | Bar;

export function renderLatencySvg(r: BenchReport): string {
  const items: Item[] = [];
  for (const c of r.cases) {
    if (c.error || c.variants.length === 0) continue;
    items.push({ kind: 'head', text: c.title });
    for (const v of c.variants) {
      items.push({ kind: 'bar', label: v.label, role: v.role, median: v.wall.median / 1000, min: v.wall.min / 1000, max: v.wall.max / 1000 });
    }
  }
  const bars = items.filter((i): i is Bar => i.kind === 'bar');
  // Axis starts at the largest 1/2/5 step below the fastest sample, so no decade is left empty.
  const fastest = Math.max(0.001, Math.min(...bars.map((b) => b.min), 1));
  const decade = Math.pow(10, Math.floor(Math.log10(fastest)));
  const lo = [5, 2, 1].map((m) => m * decade).find((v) => v <= fastest) ?? decade;
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...bars.map((b) => b.max), 1))));
  const labelW = 400;
  const plotW = 520;
  const rowH = 20;
  const headH = 26;
  const top = 60;
  const x = (s: number): number => labelW + ((Math.log10(Math.max(s, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotW;
  let y = top;
  const body: string[] = [];
  for (const it of items) {
    if (it.kind === 'head') {
      y += 6;
      body.push(`<text x="8" y="${y + 14}" font-weight="bold">${esc(it.text)}</text>`);
      y += headH - 6;
      continue;
    }
    const fill = it.role === 'project' ? '#1f77b4' : it.role === 'project-direct' ? '#9ecae1' : '#b0b0b0';
    body.push(`<text x="${labelW - 8}" y="${y + 14}" text-anchor="end">${esc(it.label)}</text>`);
    body.push(`<rect x="${labelW}" y="${y + 3}" width="${Math.max(1, x(it.median) - labelW).toFixed(1)}" height="${rowH - 6}" fill="${fill}"/>`);
    body.push(`<line x1="${x(it.min).toFixed(1)}" x2="${x(it.max).toFixed(1)}" y1="${y + rowH / 2}" y2="${y + rowH / 2}" stroke="#333" stroke-width="1.5"/>`);
    body.push(`<text x="${(x(it.max) + 6).toFixed(1)}" y="${y + 14}" font-size="11" fill="#333">${it.median < 10 ? it.median.toFixed(2) : it.median.toFixed(1)} s</text>`);
    y += rowH;
  }
  const height = y + 40;
  const grid: string[] = [];
  for (let d = decade; d <= hi * 1.0001; d *= 10) {
    for (const m of [1, 2, 5]) {
      const v = d * m;
      if (v < lo * 0.9999) continue;
      if (v > hi * 1.0001) break;
      const gx = x(v).toFixed(1);
      grid.push(`<line x1="${gx}" x2="${gx}" y1="${top - 4}" y2="${y}" stroke="${m === 1 ? '#ccc' : '#eee'}"/>`);
      grid.push(`<text x="${gx}" y="${y + 16}" text-anchor="middle" font-size="11">${v >= 1 ? v : v.toString()} s</text>`);
    }
  }
  const sub = `${r.machine.nproc} cores, ${r.machine.cpuModel}; ${r.ffmpeg.version.replace(/ https?:\/\/\S+/, '').replace(/ Copyright.*/, '')}${r.quick ? '; QUICK run (small media)' : ''}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + plotW + 80}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="22" font-size="16" font-weight="bold">Snapshot latency per case (median, whisker = min..max, log scale)</text>`,
    `<text x="8" y="40" font-size="11" fill="#555">${esc(sub)} — dark blue: project via API, light blue: capture module direct, grey: baselines; ${esc(r.startedAt)}</text>`,
    ...grid,
    ...body,
    `<text x="${labelW + plotW / 2}" y="${height - 6}" text-anchor="middle" font-size="11">wall time, seconds</text>`,
    `</svg>`,
    '',
  ].join('\n');
}
