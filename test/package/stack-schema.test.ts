import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkStack, formatProblem, loadProviderSchema, ProblemKind, REPLACED_ARGUMENTS, SPLIT_SETTINGS } from '../../scripts/stack-schema';

const root = path.resolve(__dirname, '../..');
const schema = loadProviderSchema(JSON.parse(fs.readFileSync(path.join(root, 'provider-schema', 'alicloud-1.283.0.json'), 'utf8')));

/** A small stack that is valid: each test below breaks one thing of it. */
function valid(): any {
  return {
    '//': { metadata: { version: '0.21.0', stackName: 'fixture' } },
    provider: { alicloud: [{ region: 'cn-hangzhou' }, { alias: 'shanghai', region: 'cn-shanghai', assume_role: [{ role_arn: 'acs:ram::1:role/deploy' }] }] },
    data: { alicloud_account: { current: { '//': { metadata: { path: 'fixture/Account' } } } } },
    resource: {
      alicloud_oss_bucket: {
        media: {
          bucket: 'media-in',
          force_destroy: true,
          tags: { env: 'dev', shards: 2 },
          lifecycle_rule: [{ enabled: true, prefix: 'tmp/', expiration: [{ days: '7' }] }],
        },
      },
      alicloud_oss_bucket_acl: { media_acl: { bucket: '${alicloud_oss_bucket.media.bucket}', acl: 'private' } },
      alicloud_ram_role: { fn: { role_name: 'fn', assume_role_policy_document: '{"Version":"1"}', max_session_duration: 3600, provider: 'alicloud.shanghai' } },
      alicloud_ots_table: {
        jobs: {
          instance_name: 'jobs',
          table_name: 'jobs',
          time_to_live: -1,
          max_version: '${var.versions}',
          primary_key: [{ name: 'id', type: 'String' }],
          depends_on: ['alicloud_ram_role.fn', 'data.alicloud_account.current'],
          lifecycle: { prevent_destroy: true },
        },
      },
      alicloud_message_service_event_rule: {
        uploads: { rule_name: 'uploads', event_types: ['ObjectCreated:PutObject'], match_rules: [[{ match_state: 'true', name: 'n', prefix: 'p', suffix: '.mp4' }]] },
      },
      alicloud_fcv3_function: {
        api: { handler: 'index.handler', runtime: 'custom.debian10', code: { zip_file: '${filebase64("assets/code.zip")}' }, layers: ['acs:fc:cn-hangzhou:official:layers/Nodejs20/versions/3'] },
      },
      random_id: { suffix: { byte_length: 4 } },
    },
  };
}

function problems(stack: unknown): string[] {
  return checkStack(stack, schema).problems.map(formatProblem);
}
function kinds(stack: unknown): ProblemKind[] {
  return [...new Set(checkStack(stack, schema).problems.map((p) => p.kind))];
}

describe('stack schema check', () => {
  test('the fixture is valid; other providers are reported as not checked', () => {
    const report = checkStack(valid(), schema);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ resources: 7, dataSources: 1, skippedTypes: ['random_id'] });
  });

  test('unknown resource and data source types', () => {
    const s = valid();
    s.resource.alicloud_oss_bukcet = { typo: { bucket: 'x' } };
    s.data.alicloud_acount = { me: {} };
    expect(problems(s)).toEqual([
      'resource.alicloud_oss_bukcet.typo: resource type alicloud_oss_bukcet is not in the provider schema',
      'data.alicloud_acount.me: data source type alicloud_acount is not in the provider schema',
    ]);
    expect(kinds(s)).toEqual(['unknown-type']);
  });

  test('unknown arguments, at the top, in nested blocks, in the provider configuration and in dynamic blocks', () => {
    const s = valid();
    s.resource.alicloud_oss_bucket.media.bucket_name = 'x';
    s.resource.alicloud_oss_bucket.media.lifecycle_rule[0].expiration[0].months = 1;
    s.provider.alicloud[0].regoin = 'cn-beijing';
    s.resource.alicloud_fcv3_function.api.dynamic = { vpc_settings: { for_each: '${var.vpcs}', content: {} } };
    expect(problems(s)).toEqual([
      'provider.alicloud[0].regoin: unknown argument or block',
      'resource.alicloud_oss_bucket.media.lifecycle_rule[0].expiration[0].months: unknown argument or block',
      'resource.alicloud_oss_bucket.media.bucket_name: unknown argument or block',
      'resource.alicloud_fcv3_function.api.dynamic.vpc_settings: dynamic block of unknown block type "vpc_settings"',
    ]);
    expect(kinds(s)).toEqual(['unknown-argument']);
  });

  test('missing required arguments, including null ones and those of nested blocks', () => {
    const s = valid();
    delete s.resource.alicloud_ots_table.jobs.table_name;
    s.resource.alicloud_ots_table.jobs.time_to_live = null;
    delete s.resource.alicloud_oss_bucket.media.lifecycle_rule[0].enabled;
    expect(problems(s)).toEqual([
      'resource.alicloud_oss_bucket.media.lifecycle_rule[0]: missing required argument "enabled"',
      'resource.alicloud_ots_table.jobs: missing required argument "table_name"',
      'resource.alicloud_ots_table.jobs: missing required argument "time_to_live"',
    ]);
    expect(kinds(s)).toEqual(['missing-argument']);
  });

  test('attributes only the provider sets', () => {
    const s = valid();
    s.resource.alicloud_ram_role.fn.arn = 'acs:ram::1:role/fn';
    s.data.alicloud_account.current.id = '123';
    expect(problems(s)).toEqual([
      'resource.alicloud_ram_role.fn.arn: computed by the provider; it cannot be set',
      'data.alicloud_account.current.id: computed by the provider; it cannot be set',
    ]);
    expect(kinds(s)).toEqual(['computed-only']);
  });

  test('literal types, element by element; conversions Terraform makes are accepted', () => {
    const s = valid();
    const bucket = s.resource.alicloud_oss_bucket.media;
    bucket.force_destroy = 'yes';
    bucket.tags = { env: ['dev'], team: 7 };
    bucket.lifecycle_rule[0].expiration[0].days = 'seven';
    bucket.storage_class = { class: 'Standard' };
    s.resource.alicloud_ots_table.jobs.max_version = true;
    s.resource.alicloud_fcv3_function.api.layers = 'acs:fc:cn-hangzhou:official:layers/Nodejs20/versions/3';
    s.resource.alicloud_message_service_event_rule.uploads.event_types = ['ObjectCreated:PutObject', { any: 1 }];
    s.resource.alicloud_message_service_event_rule.uploads.match_rules = [[{ match_state: 'true', name: 'n', prefix: 'p', sufix: '.mp4' }], {}];
    expect(problems(s)).toEqual([
      'resource.alicloud_oss_bucket.media.force_destroy: expected bool, got "yes"',
      'resource.alicloud_oss_bucket.media.tags.env: expected string, got a list',
      'resource.alicloud_oss_bucket.media.lifecycle_rule[0].expiration[0].days: expected number, got "seven"',
      'resource.alicloud_oss_bucket.media.storage_class: expected string, got an object',
      'resource.alicloud_ots_table.jobs.max_version: expected number, got true',
      'resource.alicloud_message_service_event_rule.uploads.event_types[1]: expected string, got an object',
      'resource.alicloud_message_service_event_rule.uploads.match_rules[0][0].sufix: not an attribute of this object (it has match_state, name, prefix, suffix)',
      'resource.alicloud_message_service_event_rule.uploads.match_rules[0][0]: object is missing attribute "suffix"',
      'resource.alicloud_message_service_event_rule.uploads.match_rules[1]: expected list of object, got an object',
      'resource.alicloud_fcv3_function.api.layers: expected list of string, got "acs:fc:cn-hangzhou:official:layers/N...',
    ]);
    expect(kinds(s)).toEqual(['type']);
  });

  test('tuple types and blocks nested by label (not used by this provider, part of the format)', () => {
    const own = loadProviderSchema({
      provider_schemas: {
        'registry.terraform.io/acme/demo': {
          provider: { block: {} },
          resource_schemas: {
            demo_thing: {
              block: {
                attributes: { pair: { optional: true, type: ['tuple', ['string', 'number']] } },
                block_types: { rule: { nesting_mode: 'map', block: { attributes: { on: { required: true, type: 'bool' } } } } },
              },
            },
          },
          data_source_schemas: {},
        },
      },
    });
    const stack = { resource: { demo_thing: { a: { pair: ['x', 'y'], rule: { first: { on: 'true' }, second: { on: 2 } } }, b: { pair: ['x'] } } } };
    expect(checkStack(stack, own).problems.map(formatProblem)).toEqual([
      'resource.demo_thing.a.pair[1]: expected number, got "y"',
      'resource.demo_thing.a.rule.second.on: expected bool, got 2',
      'resource.demo_thing.b.pair: expected tuple, got a list',
    ]);
  });

  test('block nesting and counts: min_items, max_items, blocks that are not objects', () => {
    const s = valid();
    s.resource.alicloud_ots_table.jobs.primary_key = [];
    s.resource.alicloud_oss_bucket.media.versioning = [{ status: 'Enabled' }, { status: 'Suspended' }];
    s.resource.alicloud_fcv3_function.api.log_config = '${var.log_config}';
    s.resource.alicloud_fcv3_function.api.code = ['zip'];
    expect(problems(s)).toEqual([
      'resource.alicloud_oss_bucket.media.versioning: at most 1 block(s) allowed, found 2',
      'resource.alicloud_ots_table.jobs: block "primary_key" is needed at least 1 time(s), found 0',
      'resource.alicloud_fcv3_function.api.code[0]: expected a block (an object), got "zip"',
      'resource.alicloud_fcv3_function.api.log_config: a block cannot be an expression; write it as an object, or as a dynamic block',
    ]);
    expect(kinds(s)).toEqual(['block-count', 'type']);
  });

  test('deprecated resource types, arguments, blocks and provider arguments', () => {
    const s = valid();
    s.resource.alicloud_mns_topic = { old: { name: 'jobs' } };
    s.resource.alicloud_ram_policy = { p: { policy_name: 'p', statement: [{ effect: 'Allow', action: ['oss:GetObject'], resource: ['acs:oss:*:*:b/*'] }] } };
    s.resource.alicloud_message_service_topic = { t: { topic_name: 't', logging_enabled: true } };
    s.provider.alicloud[0].fc = 'fc.example';
    expect(problems(s)).toEqual([
      'provider.alicloud[0].fc: deprecated argument',
      'resource.alicloud_mns_topic.old: deprecated resource type',
      'resource.alicloud_ram_policy.p.statement: deprecated block',
      'resource.alicloud_message_service_topic.t.logging_enabled: deprecated argument',
    ]);
    expect(kinds(s)).toEqual(['deprecated']);
  });

  test('conflicts: a deprecated argument with its replacement, an inline setting with its separate resource, two managers of one bucket, count with for_each', () => {
    const s = valid();
    s.resource.alicloud_ram_role.fn.name = 'fn';
    s.resource.alicloud_oss_bucket.media.acl = 'private';
    s.resource.alicloud_oss_bucket.media.policy = '{}';
    s.resource.alicloud_oss_bucket_policy = { p: { bucket: 'media-in', policy: '{}' } };
    s.resource.alicloud_oss_bucket_acl.second = { bucket: '${alicloud_oss_bucket.media.id}', acl: 'public-read' };
    s.resource.alicloud_ots_table.jobs.count = 1;
    s.resource.alicloud_ots_table.jobs.for_each = '${var.tables}';
    expect(problems(s).filter((p) => !p.endsWith('deprecated argument'))).toEqual([
      'resource.alicloud_ots_table.jobs: count and for_each cannot both be set',
      'resource.alicloud_ram_role.fn.name: conflicts with "role_name", which replaced it: set only "role_name"',
      'resource.alicloud_oss_bucket.media.acl: conflicts with alicloud_oss_bucket_acl.media_acl, which manages the same setting of this alicloud_oss_bucket: keep one of the two',
      'resource.alicloud_oss_bucket.media.policy: conflicts with alicloud_oss_bucket_policy.p, which manages the same setting of this alicloud_oss_bucket: keep one of the two',
      'resource.alicloud_oss_bucket_acl.second: alicloud_oss_bucket.media already has alicloud_oss_bucket_acl.media_acl: one per alicloud_oss_bucket',
    ]);
    expect(kinds(s)).toEqual(['deprecated', 'conflict']);
  });

  test('meta-arguments: depends_on, provider aliases, lifecycle, duplicate provider configurations', () => {
    const s = valid();
    s.resource.alicloud_ots_table.jobs.depends_on = ['alicloud_ram_role.gone', 'module.network'];
    s.resource.alicloud_ots_table.jobs.lifecycle = { prevent_destroy: true, ignore_change: ['tags'] };
    s.resource.alicloud_ram_role.fn.provider = 'alicloud.beijing';
    s.provider.alicloud.push({ alias: 'shanghai', region: 'cn-shanghai' });
    expect(problems(s)).toEqual([
      'provider.alicloud[2]: alias "shanghai" is configured twice',
      'resource.alicloud_ram_role.fn.provider: "alicloud.beijing" names no alicloud provider configuration of this stack',
      'resource.alicloud_ots_table.jobs.depends_on[0]: "alicloud_ram_role.gone" is not a resource or data source of this stack',
      'resource.alicloud_ots_table.jobs.lifecycle.ignore_change: unknown lifecycle argument',
    ]);
    expect(kinds(s)).toEqual(['conflict', 'meta']);
  });

  test('the conflict tables name only types and arguments of the schema, and replaced arguments are the deprecated ones', () => {
    for (const [type, pairs] of Object.entries(REPLACED_ARGUMENTS)) {
      const block = schema.resources[type].block;
      for (const [old, replacement] of pairs) {
        const oldSchema = block.attributes?.[old] ?? block.block_types?.[old]?.block;
        expect([type, old, oldSchema?.deprecated]).toEqual([type, old, true]);
        expect([type, replacement, block.attributes?.[replacement]?.deprecated]).toEqual([type, replacement, undefined]);
      }
    }
    for (const rule of SPLIT_SETTINGS) {
      const parent = schema.resources[rule.parent].block;
      for (const [setting, manager] of Object.entries(rule.settings)) {
        expect([setting, Boolean(parent.attributes?.[setting] ?? parent.block_types?.[setting])]).toEqual([setting, true]);
        expect([manager, schema.resources[manager]?.block.attributes?.[rule.link]?.required]).toEqual([manager, true]);
      }
    }
  });

  test('the command prints each problem with its file, and exits 1 on problems, 0 without, 2 with nothing to check', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-schema-'));
    try {
      const broken = valid();
      broken.resource.alicloud_ots_table.jobs.max_version = 'many';
      fs.mkdirSync(path.join(dir, 'stacks', 'bad'), { recursive: true });
      fs.mkdirSync(path.join(dir, 'stacks', 'good'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'stacks', 'bad', 'cdk.tf.json'), JSON.stringify(broken));
      fs.writeFileSync(path.join(dir, 'stacks', 'good', 'cdk.tf.json'), JSON.stringify(valid()));
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'scripts', 'check-stack-schema.ts'), ...args], { cwd: dir, encoding: 'utf8' });
      const bad = run('.');
      expect(bad.stdout.split('\n')).toEqual([
        'stacks/bad/cdk.tf.json: resource.alicloud_ots_table.jobs.max_version: expected number, got "many"',
        'not checked (not in alicloud-1.283.0.json): random_id',
        '2 stack(s), 14 resource(s), 2 data source(s), 1 problem(s) against alicloud-1.283.0.json',
        '',
      ]);
      expect(bad.status).toBe(1);
      const good = run(path.join(dir, 'stacks', 'good'));
      expect(good.stdout).toMatch(/^1 stack\(s\), 7 resource\(s\), 1 data source\(s\), 0 problem\(s\)/m);
      expect(good.status).toBe(0);
      const none = run(path.join(dir, 'nothing'));
      expect(none.stderr).toContain('No cdk.tf.json in');
      expect(none.status).toBe(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
