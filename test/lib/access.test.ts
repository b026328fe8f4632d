import { ACCOUNT, policyOf, ref, REGION, resource, resources, synthPipeline } from './synth';

const IN = 'media-in';
const OUT = 'media-out';

/** Literal names everywhere, so statements can be compared as exact strings. */
function literalPipeline() {
  return synthPipeline({
    region: REGION,
    accountId: ACCOUNT,
    existingInputBucketName: IN,
    existingOutputBucketName: OUT,
    existingLogProjectName: 'platform-logs',
    existingLogStoreName: 'functions',
    existingTablestoreInstanceName: 'media-ots',
    jobTableName: 'media_jobs',
    nonceTableName: 'media_nonces',
  });
}

const OTS = `acs:ots:${REGION}:${ACCOUNT}:instance/media-ots/table`;

describe('RAM: the functions role', () => {
  test('is trusted by Function Compute only', () => {
    const { tf } = literalPipeline();
    const role = resource(tf, 'alicloud_ram_role', 'FunctionRole/Role');
    expect(JSON.parse(role.assume_role_policy_document)).toEqual({
      Version: '1',
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['fc.aliyuncs.com'] } }],
    });
    expect(role.role_name).toMatch(/^snapshots-[0-9a-f]{6}-fn$/);
  });

  test('policy grants exactly what the runtime does, on exactly this pipeline\'s resources', () => {
    const { tf } = literalPipeline();
    const notify = ref(tf, 'alicloud_message_service_topic', 'Messaging/NotificationTopic', 'topic_name');
    const worker = resource(tf, 'alicloud_fcv3_function', 'Compute/Worker').function_name;
    expect(worker).toMatch(/^snapshots-[0-9a-f]{6}-worker$/);
    expect(policyOf(tf, 'FunctionRole/Policy')).toEqual({
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: ['oss:GetObject'], Resource: [`acs:oss:*:${ACCOUNT}:${IN}/*`] },
        { Effect: 'Allow', Action: ['oss:PutObject', 'oss:DeleteObject'], Resource: [`acs:oss:*:${ACCOUNT}:${OUT}/*`] },
        { Effect: 'Allow', Action: ['ots:GetRow', 'ots:BatchGetRow', 'ots:PutRow'], Resource: [`${OTS}/media_jobs`] },
        {
          Effect: 'Allow',
          Action: ['ots:GetRange'],
          Resource: ['by_created', 'by_pipeline', 'by_state', 'by_pipeline_state', 'pending'].map((i) => `${OTS}/media_jobs_${i}`),
        },
        { Effect: 'Allow', Action: ['ots:PutRow', 'ots:GetRow'], Resource: [`${OTS}/media_nonces`] },
        { Effect: 'Allow', Action: ['mns:PublishMessage'], Resource: [`acs:mns:${REGION}:${ACCOUNT}:/topics/${notify}/messages`] },
        // Submit and the sweep invoke the worker asynchronously: that function and no other.
        { Effect: 'Allow', Action: ['fc:InvokeFunction'], Resource: [`acs:fc:${REGION}:${ACCOUNT}:functions/${worker}`] },
        { Effect: 'Allow', Action: ['log:PostLogStoreLogs'], Resource: [`acs:log:${REGION}:${ACCOUNT}:project/platform-logs/logstore/functions`] },
      ],
    });
    const attachment = resource(tf, 'alicloud_ram_role_policy_attachment', 'FunctionRole/Attachment');
    expect(attachment).toMatchObject({
      policy_type: 'Custom',
      role_name: ref(tf, 'alicloud_ram_role', 'FunctionRole/Role', 'role_name'),
      policy_name: ref(tf, 'alicloud_ram_policy', 'FunctionRole/Policy', 'policy_name'),
    });
  });

  test('with a created Tablestore instance the job-record statements name its tables and indexes, never UpdateRow', () => {
    const { tf } = synthPipeline({ region: REGION, accountId: ACCOUNT });
    const instance = ref(tf, 'alicloud_ots_instance', 'JobTable/Instance', 'name');
    const jobs = resource(tf, 'alicloud_ots_table', 'JobTable/Jobs').table_name;
    const statements = policyOf(tf, 'FunctionRole/Policy').Statement;
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['ots:GetRow', 'ots:BatchGetRow', 'ots:PutRow'], Resource: [`acs:ots:${REGION}:${ACCOUNT}:instance/${instance}/table/${jobs}`] });
    const ots = statements.filter((s) => s.Action.some((a: string) => a.startsWith('ots:')));
    expect(ots.flatMap((s) => s.Action).sort()).toEqual(['ots:BatchGetRow', 'ots:GetRange', 'ots:GetRow', 'ots:GetRow', 'ots:PutRow', 'ots:PutRow']);
    for (const r of ots.flatMap((s) => s.Resource)) expect(r).toMatch(new RegExp(`^acs:ots:${REGION}:${ACCOUNT}:instance/\\$\\{[^}]+\\}/table/[^*]+$`));
  });

  test('with created buckets the statements reference those buckets', () => {
    const { tf } = synthPipeline({ accountId: ACCOUNT });
    const input = ref(tf, 'alicloud_oss_bucket', 'Storage/Input/Bucket', 'bucket');
    const output = ref(tf, 'alicloud_oss_bucket', 'Storage/Output/Bucket', 'bucket');
    const statements = policyOf(tf, 'FunctionRole/Policy').Statement;
    expect(statements[0].Resource).toEqual([`acs:oss:*:${ACCOUNT}:${input}/*`]);
    expect(statements[1].Resource).toEqual([`acs:oss:*:${ACCOUNT}:${output}/*`]);
  });
});

describe('RAM: least privilege everywhere', () => {
  test('no statement of any policy the construct writes has a * action or a bare * resource', () => {
    const { tf } = literalPipeline();
    const policies = resources(tf, 'alicloud_ram_policy');
    expect(policies.length).toBe(1);
    for (const [path, p] of policies) {
      for (const s of JSON.parse(p.policy_document).Statement) {
        expect({ path, effect: s.Effect }).toEqual({ path, effect: 'Allow' });
        for (const a of s.Action) expect(a).toMatch(/^[a-z]+:[A-Z][A-Za-z]+$/);
        for (const r of s.Resource) {
          expect(r).not.toBe('*');
          expect(r).toMatch(/^acs:(oss|mns|log|fc|ots):/);
          // Only OSS leaves the region empty in its ARNs; every other service names it.
          if (!r.startsWith('acs:oss:')) expect(r.split(':')[2]).toBe(REGION);
          expect(r.split(':')[3]).toBe(ACCOUNT);
        }
      }
    }
  });
});

describe('RAM: no role for triggers', () => {
  test('the worker is invoked by the function role itself; the only role is trusted by FC', () => {
    const { tf } = literalPipeline();
    expect(resources(tf, 'alicloud_ram_role').map(([, r]) => JSON.parse(r.assume_role_policy_document).Statement[0].Principal.Service)).toEqual([['fc.aliyuncs.com']]);
    // Timer and HTTP triggers need no invocation role, and there is no other trigger.
    expect(resources(tf, 'alicloud_fcv3_trigger').map(([, t]) => [t.trigger_type, t.invocation_role])).toEqual([
      ['http', undefined],
      ['timer', undefined],
    ]);
  });
});
