import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { AlicloudProvider } from '../../.gen/providers/alicloud/provider';
import { SnapshotPipeline } from '../../lib';
import { bundleRuntime, defaultEntry } from '../../lib/runtime-bundle';
import { ACCOUNT, KEYS, REGION, resource, synthPipeline } from './synth';
import { ffmpegPath } from '../../runtime/capture/ffmpeg-binaries';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Starts the bundle the way Function Compute does: `node index.js` in the code folder, with the
 * environment the construct synthesized for that function (references to other resources
 * replaced by plausible names) plus the role credentials FC injects.
 */
async function startBundled(dir: string, fnEnv: Record<string, string>): Promise<{ port: number; stop: () => void; output: () => string }> {
  const port = await freePort();
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const [k, v] of Object.entries(fnEnv)) env[k] = v.replace(/\$\{[^}]+\}/g, 'resolved-name');
  Object.assign(env, { ALIBABA_CLOUD_ACCESS_KEY_ID: 'STS.role', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'role-secret', ALIBABA_CLOUD_SECURITY_TOKEN: 'token', FC_SERVER_PORT: String(port) });
  // The FFmpeg layer's /opt/bin/ffmpeg is not on this machine, and the runtime refuses a missing
  // FFMPEG_PATH at cold start: this machine's ffmpeg stands in for the layer's.
  expect(env.FFMPEG_PATH).toBe('/opt/bin/ffmpeg');
  env.FFMPEG_PATH = ffmpegPath();
  const child = spawn(process.execPath, ['index.js'], { cwd: dir, env });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bundle did not start listening: ${out}`)), 15000);
    const check = () => (out.includes('listening') ? (clearTimeout(timer), resolve()) : undefined);
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.on('exit', (code) => (clearTimeout(timer), reject(new Error(`bundle exited with ${code}: ${out}`))));
  });
  return { port, stop: () => child.kill(), output: () => out };
}

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

  test('started with the environment the construct gives the API function, the bundle serves the MPS API', async () => {
    const { tf } = synthPipeline({ region: REGION, accountId: ACCOUNT, existingInputBucketName: 'media-in', existingOutputBucketName: 'media-out' });
    const server = await startBundled(bundleRuntime(defaultEntry()), resource(tf, 'alicloud_fcv3_function', 'Compute/Api').environment_variables);
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/?Action=SubmitSnapshotJob&Version=2014-06-18&Format=JSON`);
      const body = (await res.json()) as Record<string, string>;
      // Unsigned: the runtime's own signature check answers, as the MPS gateway would.
      expect(res.status).toBe(400);
      expect(body.Code).toBe('MissingParameter');
      expect(body.HostId).toBe(`mts.${REGION}.aliyuncs.com`);
    } finally {
      server.stop();
    }
  });

  test('started with the worker environment, the bundle answers FC invocations of the jobs trigger', async () => {
    const { tf } = synthPipeline({ region: REGION, accountId: ACCOUNT, existingInputBucketName: 'media-in', existingOutputBucketName: 'media-out' });
    const server = await startBundled(bundleRuntime(defaultEntry()), resource(tf, 'alicloud_fcv3_function', 'Compute/Worker').environment_variables);
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/invoke`, { method: 'POST', body: 'not an MNS event' });
      expect(res.status).toBe(200);
      expect(await res.json()).toHaveProperty('ignored');
      expect(server.output()).toMatch(/"role":"worker"/);
    } finally {
      server.stop();
    }
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
