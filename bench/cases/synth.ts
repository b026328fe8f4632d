/** `npm run synth`: how long the examples take to synthesize (no baseline; tracked over time). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BenchContext } from '../context';
import { run } from '../ffmpeg';
import { toResult, type Sample } from '../harness';
import type { CaseResult } from '../report';

export async function synth(ctx: BenchContext): Promise<CaseResult> {
  const root = path.join(__dirname, '..', '..');
  const res: CaseResult = { id: 'synth', title: 'npm run synth (all example stacks)', variants: [], comparisons: [], targets: [], notes: [] };
  if (!fs.existsSync(path.join(root, 'examples', 'main.ts'))) {
    res.error = 'examples/main.ts does not exist yet';
    return res;
  }
  const samples: Sample[] = [];
  const reps = ctx.quick ? 1 : 2;
  for (let i = 0; i < reps; i++) {
    const r = await run('npm', ['run', '--silent', 'synth'], { cwd: root });
    if (r.code !== 0) {
      res.error = `npm run synth exited ${r.code}: ${r.stderr.slice(-500)}`;
      return res;
    }
    samples.push({ wallMs: r.wallMs, cpuMs: r.cpuMs });
    ctx.log(`    synth #${i + 1}: ${(r.wallMs / 1000).toFixed(2)} s`);
  }
  res.variants = [toResult({ id: 'synth', label: 'project: npm run synth', role: 'project' }, samples)];
  return res;
}
