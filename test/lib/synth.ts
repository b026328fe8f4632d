/**
 * Shared helpers for the construct tests: synthesize a stack with one or more pipelines and read
 * the Terraform JSON the way a reviewer would (by resource type and construct path).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest';
import { AlicloudProvider } from '../../.gen/providers/alicloud/provider';
import { SnapshotPipeline, SnapshotPipelineProps } from '../../lib';

Testing.setupJest();

// Testing.app() makes a temp outdir per app and never removes it (hundreds per run); this file's
// apps live under one folder that goes when its tests are done.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-test-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** `Testing.app()` with its outdir inside the test file's scratch folder. */
export function testingApp(): App {
  return Testing.app({ outdir: fs.mkdtempSync(path.join(scratch, 'app-')) });
}

export const KEYS = JSON.stringify([{ accessKeyId: 'testAkId', accessKeySecret: 'testAkSecret' }]);
export const ACCOUNT = '1234567890123456';
export const REGION = 'cn-hangzhou';

export type Tf = {
  resource: Record<string, Record<string, Record<string, any>>>;
  data?: Record<string, Record<string, Record<string, any>>>;
  output: Record<string, { value: string; description?: string; sensitive?: boolean }>;
};

export interface Synthesized {
  json: string;
  tf: Tf;
  stack: TerraformStack;
  pipelines: SnapshotPipeline[];
}

/** One stack, one provider, and a pipeline per entry of `each` (ids Snapshots, Snapshots2, ...). */
export function synthPipelines(each: Partial<SnapshotPipelineProps>[], ids?: string[]): Synthesized {
  const app = testingApp();
  const stack = new TerraformStack(app, 'test');
  new AlicloudProvider(stack, 'alicloud', { region: REGION });
  const pipelines = each.map((p, i) => new SnapshotPipeline(stack, ids?.[i] ?? (i === 0 ? 'Snapshots' : `Snapshots${i + 1}`), { apiAccessKeys: KEYS, ...p }));
  const json = Testing.synth(stack);
  return { json, tf: JSON.parse(json), stack, pipelines };
}

export function synthPipeline(props: Partial<SnapshotPipelineProps> = {}): Synthesized & { pipeline: SnapshotPipeline } {
  const s = synthPipelines([props]);
  return { ...s, pipeline: s.pipelines[0] };
}

/** `Storage/Input/Bucket` matches the logical id cdktf derives from that construct path. */
function idMatches(logicalId: string, pathSuffix: string): boolean {
  // cdktf drops a path component that repeats the end of its parent (FunctionRole/Role -> FunctionRole).
  const parts = pathSuffix.split('/').filter((c, i, all) => i === 0 || !all[i - 1].endsWith(c));
  return new RegExp(`(^|_)${parts.join('_')}_[0-9A-F]{8}$`).test(logicalId);
}

/** Every resource of a type, as [logical id, body]. */
export function resources(tf: Tf, type: string): [string, Record<string, any>][] {
  return Object.entries(tf.resource[type] ?? {});
}

/** The one resource of `type` whose construct path ends with `pathSuffix`. */
export function resource(tf: Tf, type: string, pathSuffix: string): Record<string, any> {
  const found = resources(tf, type).filter(([id]) => idMatches(id, pathSuffix));
  if (found.length !== 1) throw new Error(`expected one ${type} at *${pathSuffix}, found ${found.map(([id]) => id).join(', ') || 'none'}`);
  return found[0][1];
}

/** `${alicloud_x.ID.attr}` for the resource at `pathSuffix`. */
export function ref(tf: Tf, type: string, pathSuffix: string, attr: string): string {
  const found = resources(tf, type).filter(([id]) => idMatches(id, pathSuffix));
  if (found.length !== 1) throw new Error(`expected one ${type} at *${pathSuffix}, found ${found.length}`);
  return `\${${type}.${found[0][0]}.${attr}}`;
}

export function policyOf(tf: Tf, pathSuffix: string): { Version: string; Statement: any[] } {
  return JSON.parse(resource(tf, 'alicloud_ram_policy', pathSuffix).policy_document);
}
