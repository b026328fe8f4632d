import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

describe('examples', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-synth-'));
    execFileSync(process.execPath, [tsx, path.join(root, 'examples', 'main.ts')], {
      cwd: root,
      env: { ...process.env, CDKTF_OUTDIR: outdir },
      stdio: 'pipe',
    });
  }, 120000);
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  const stackJson = (env: string) => JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', `snapshots-${env}`, 'cdk.tf.json'), 'utf8'));

  test('synth writes one stack per environment, each with its own OSS backend and provider region', () => {
    expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(['snapshots-dev', 'snapshots-prod']);
    const dev = stackJson('dev');
    const prod = stackJson('prod');
    expect(dev.terraform.backend.oss).toMatchObject({ bucket: 'acme-terraform-state-dev', key: 'snapshots-dev.tfstate', region: 'cn-hangzhou', encrypt: true });
    expect(prod.terraform.backend.oss).toMatchObject({ bucket: 'acme-terraform-state-prod', key: 'snapshots-prod.tfstate', region: 'cn-shanghai' });
    expect(dev.provider.alicloud[0].region).toBe('cn-hangzhou');
    expect(prod.provider.alicloud[0].region).toBe('cn-shanghai');
    expect(dev.terraform.required_providers.alicloud).toEqual({ source: 'aliyun/alicloud', version: '1.283.0' });
  });

  test('environments differ in sizing; the API keys come from a sensitive variable', () => {
    const fn = (tf: any, role: string) => Object.values(tf.resource.alicloud_fcv3_function as Record<string, any>).find((f) => f.environment_variables.SNAPSHOT_FUNCTION_ROLE === role);
    const dev = stackJson('dev');
    const prod = stackJson('prod');
    expect(fn(dev, 'worker').memory_size).toBe(2048);
    expect(fn(prod, 'worker').memory_size).toBe(8192);
    expect(dev.variable.snapshot_api_keys).toMatchObject({ type: 'string', sensitive: true });
    expect(fn(prod, 'api').environment_variables.SNAPSHOT_ACCESS_KEYS).toBe('${var.snapshot_api_keys}');
    expect(Object.keys(prod.resource.alicloud_oss_bucket_versioning ?? {})).toHaveLength(2);
  });

  test('the app role of each stack is granted submit and notifications', () => {
    const prod = stackJson('prod');
    const policies = Object.values(prod.resource.alicloud_ram_policy as Record<string, any>).map((p) => JSON.parse(p.policy_document).Statement.flatMap((s: any) => s.Action));
    expect(policies).toContainEqual(['oss:PutObject', 'oss:GetObject']);
    expect(policies).toContainEqual(['mns:ReceiveMessage', 'mns:DeleteMessage', 'mns:ChangeMessageVisibility']);
  });

  test('every environment passes the check against the aliyun/alicloud 1.283.0 schema in provider-schema/ with 0 problems (npm run check:stacks)', () => {
    const run = spawnSync(process.execPath, [tsx, path.join(root, 'scripts', 'check-stack-schema.ts')], { cwd: root, env: { ...process.env, CDKTF_OUTDIR: outdir }, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^2 stack\(s\), \d+ resource\(s\), \d+ data source\(s\), 0 problem\(s\) against alicloud-1\.283\.0\.json\n$/);
    expect(run.status).toBe(0);
  });
});
