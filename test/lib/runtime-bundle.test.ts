import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { AlicloudProvider } from '../../.gen/providers/alicloud/provider';
import { SnapshotPipeline } from '../../lib';
import { bundleRuntime, defaultEntry } from '../../lib/runtime-bundle';
import { KEYS } from './synth';

function fullSynth(outdir: string, props: { codeDirectory?: string } = {}): { zip: Buffer; zipFile: string } {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'bundle');
  new AlicloudProvider(stack, 'alicloud', { region: 'cn-hangzhou' });
  new SnapshotPipeline(stack, 'Snapshots', { apiAccessKeys: KEYS, ...props });
  app.synth();
  const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'bundle', 'cdk.tf.json'), 'utf8'));
  const api = Object.values(tf.resource.alicloud_fcv3_function as Record<string, any>)[0];
  const rel = /filebase64\("([^"]+)"\)/.exec(api.code.zip_file)![1];
  const zipFile = path.join(outdir, 'stacks', 'bundle', rel);
  return { zip: fs.readFileSync(zipFile), zipFile };
}

describe('runtime bundle', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-test-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('bundles the real runtime/entry/fc-server.ts into a self-contained index.js', () => {
    const entry = defaultEntry();
    expect(path.relative(path.resolve(__dirname, '../..'), entry)).toBe(path.join('runtime', 'entry', 'fc-server.ts'));
    const dir = bundleRuntime(entry);
    expect(fs.readdirSync(dir)).toEqual(['index.js']);
    // Loading the bundle with no configuration must fail on the configuration, not on a missing
    // module: proof that everything the server imports is inside index.js.
    const run = spawnSync(process.execPath, [path.join(dir, 'index.js')], { env: { PATH: process.env.PATH, SNAPSHOT_FUNCTION_ROLE: 'worker' }, encoding: 'utf8', timeout: 20000 });
    expect(run.status).not.toBe(0);
    expect(run.stderr).not.toMatch(/Cannot find module/);
    expect(run.stderr).toMatch(/SNAPSHOT_REGION is required/);
  });

  test('the zip the functions deploy holds index.js and is byte-identical across synths (no needless redeploys)', () => {
    const a = fullSynth(path.join(tmp, 'a'));
    const b = fullSynth(path.join(tmp, 'b'));
    expect(a.zip.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    expect(a.zip.includes(Buffer.from('index.js'))).toBe(true);
    expect(createHash('sha256').update(a.zip).digest('hex')).toBe(createHash('sha256').update(b.zip).digest('hex'));
    expect(path.relative(path.join(tmp, 'a'), a.zipFile)).toBe(path.relative(path.join(tmp, 'b'), b.zipFile));
  });

  test('a prebuilt codeDirectory is deployed as given', () => {
    const code = path.join(tmp, 'prebuilt');
    fs.mkdirSync(code);
    fs.writeFileSync(path.join(code, 'index.js'), 'require("http").createServer((q, s) => s.end("prebuilt")).listen(9000);\n');
    const { zip } = fullSynth(path.join(tmp, 'c'), { codeDirectory: code });
    expect(zip.includes(Buffer.from('index.js'))).toBe(true);
  });

  test('a codeDirectory without index.js is refused with a clear message', () => {
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    expect(() => fullSynth(path.join(tmp, 'd'), { codeDirectory: empty })).toThrow(`codeDirectory ${empty} has no index.js (the custom runtime runs \`node index.js\`)`);
  });
});
