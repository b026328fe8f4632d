import { TerraformStack, Testing } from 'cdktf';
import { OssBucketAcl } from '../../.gen/providers/alicloud/oss-bucket-acl';
import { Fcv3Function } from '../../.gen/providers/alicloud/fcv3-function';
import { RamRole } from '../../.gen/providers/alicloud/ram-role';
import { DataAlicloudAccount } from '../../.gen/providers/alicloud/data-alicloud-account';
import { SnapshotPipeline } from '../../lib';
import { ACCOUNT, KEYS, policyOf, ref, REGION, resource, resources, synthPipeline, synthPipelines, testingApp } from './synth';

describe('SnapshotPipeline', () => {
  test('creates every part of one environment', () => {
    const { tf, json } = synthPipeline();
    const count = (t: string) => resources(tf, t).length;
    expect({
      buckets: count('alicloud_oss_bucket'),
      acls: count('alicloud_oss_bucket_acl'),
      encryption: count('alicloud_oss_bucket_server_side_encryption'),
      publicAccessBlocks: count('alicloud_oss_bucket_public_access_block'),
      bucketPolicies: count('alicloud_oss_bucket_policy'),
      versioning: count('alicloud_oss_bucket_versioning'),
      roles: count('alicloud_ram_role'),
      policies: count('alicloud_ram_policy'),
      attachments: count('alicloud_ram_role_policy_attachment'),
      topics: count('alicloud_message_service_topic'),
      queues: count('alicloud_message_service_queue'),
      subscriptions: count('alicloud_message_service_subscription'),
      functions: count('alicloud_fcv3_function'),
      triggers: count('alicloud_fcv3_trigger'),
      asyncConfigs: count('alicloud_fcv3_async_invoke_config'),
      concurrency: count('alicloud_fcv3_concurrency_config'),
      logProjects: count('alicloud_log_project'),
      logStores: count('alicloud_log_store'),
      logIndexes: count('alicloud_log_store_index'),
    }).toEqual({
      buckets: 2, acls: 2, encryption: 2, publicAccessBlocks: 2, bucketPolicies: 2, versioning: 0,
      roles: 1, policies: 1, attachments: 1, topics: 1, queues: 1, subscriptions: 1,
      functions: 2, triggers: 2, asyncConfigs: 1, concurrency: 0, logProjects: 1, logStores: 1, logIndexes: 1,
    });
    expect(json).toHaveDataSource(DataAlicloudAccount);
    expect(json).toHaveResourceWithProperties(OssBucketAcl, { acl: 'private' });
  });

  test('defaults are sized for 1080p video: 2 GB/1 vCPU API, 4 GB/2 vCPU worker, one job per worker instance', () => {
    const { tf, json } = synthPipeline();
    const api = resource(tf, 'alicloud_fcv3_function', 'Compute/Api');
    const worker = resource(tf, 'alicloud_fcv3_function', 'Compute/Worker');
    expect([api.memory_size, api.cpu, api.timeout, api.instance_concurrency, api.disk_size]).toEqual([2048, 1, 30, 4, 512]);
    expect([worker.memory_size, worker.cpu, worker.timeout, worker.instance_concurrency, worker.disk_size]).toEqual([4096, 2, 1800, 1, 512]);
    expect(json).toHaveResourceWithProperties(Fcv3Function, { runtime: 'custom.debian10', handler: 'index.handler' });
  });

  test('both functions run the bundled runtime with node from the Node.js 20 layer and ffmpeg from the FFmpeg layer', () => {
    const { tf } = synthPipeline({ region: REGION });
    for (const name of ['Compute/Api', 'Compute/Worker']) {
      const fn = resource(tf, 'alicloud_fcv3_function', name);
      expect(fn.runtime).toBe('custom.debian10');
      expect(fn.custom_runtime_config).toEqual({ command: ['/opt/nodejs20/bin/node'], args: ['index.js'], port: 9000 });
      expect(fn.layers).toEqual(['acs:fc:cn-hangzhou:official:layers/Nodejs20/versions/3', 'acs:fc:cn-hangzhou:official:layers/FFmpeg6x/versions/1']);
      expect(fn.code.zip_file).toMatch(/^\$\{filebase64\("assets\/[^"]+\/archive\.zip"\)\}$/);
      expect(fn.role).toBe(ref(tf, 'alicloud_ram_role', 'FunctionRole/Role', 'arn'));
      expect(fn.log_config).toMatchObject({
        project: ref(tf, 'alicloud_log_project', 'Logs/Project', 'project_name'),
        logstore: ref(tf, 'alicloud_log_store', 'Logs/Store', 'logstore_name'),
      });
      // FC refuses a log config the role cannot write to, so the policy must be attached first.
      expect(fn.depends_on).toEqual([`alicloud_ram_role_policy_attachment.${Object.keys(tf.resource.alicloud_ram_role_policy_attachment).find((k) => k.includes('FunctionRole'))}`]);
    }
  });

  test('function environment is exactly the contract of INTERFACES.md; only the API gets the access keys', () => {
    const { tf, pipeline } = synthPipeline({ region: REGION, accountId: ACCOUNT, syncTimeoutMs: 8000 });
    const api = resource(tf, 'alicloud_fcv3_function', 'Compute/Api').environment_variables;
    const worker = resource(tf, 'alicloud_fcv3_function', 'Compute/Worker').environment_variables;
    const output = ref(tf, 'alicloud_oss_bucket', 'Storage/Output/Bucket', 'bucket');
    const common = {
      SNAPSHOT_REGION: REGION,
      SNAPSHOT_ACCOUNT_ID: ACCOUNT,
      SNAPSHOT_INPUT_BUCKET: ref(tf, 'alicloud_oss_bucket', 'Storage/Input/Bucket', 'bucket'),
      SNAPSHOT_OUTPUT_BUCKET: output,
      SNAPSHOT_OTS_ENDPOINT: `https://${ref(tf, 'alicloud_ots_instance', 'JobTable/Instance', 'name')}.${REGION}.ots.aliyuncs.com`,
      SNAPSHOT_OTS_INSTANCE: ref(tf, 'alicloud_ots_instance', 'JobTable/Instance', 'name'),
      SNAPSHOT_OTS_JOB_TABLE: `${pipeline.namePrefix.replace(/-/g, '_')}_jobs`,
      SNAPSHOT_OTS_NONCE_TABLE: `${pipeline.namePrefix.replace(/-/g, '_')}_nonces`,
      SNAPSHOT_PIPELINE_ID: pipeline.pipelineId,
      SNAPSHOT_NOTIFY_TOPIC: ref(tf, 'alicloud_message_service_topic', 'Messaging/NotificationTopic', 'topic_name'),
      SNAPSHOT_MNS_ENDPOINT: `https://${ACCOUNT}.mns.${REGION}.aliyuncs.com`,
      // Both hand jobs to the worker (submit, sweep) with InvokeFunction on FC's public endpoint.
      SNAPSHOT_WORKER_FUNCTION: `${pipeline.namePrefix}-worker`,
      SNAPSHOT_FC_ENDPOINT: `https://${ACCOUNT}.${REGION}.fc.aliyuncs.com`,
      SNAPSHOT_SYNC_TIMEOUT_MS: '8000',
      // ffmpeg only: the FFmpeg6x layer documents /opt/bin/ffmpeg, not ffprobe.
      FFMPEG_PATH: '/opt/bin/ffmpeg',
    };
    expect(api).toEqual({ ...common, SNAPSHOT_FUNCTION_ROLE: 'api', SNAPSHOT_ACCESS_KEYS: KEYS });
    // Only the worker sweeps for stale jobs: it gets the threshold (twice the timeout plus 10 minutes) and the limit.
    expect(worker).toEqual({ ...common, SNAPSHOT_FUNCTION_ROLE: 'worker', SNAPSHOT_STALE_JOB_MINUTES: '70', SNAPSHOT_STALE_JOB_MAX_REDISPATCHES: '2' });
  });

  test('without region and account props they come from the provider (data sources), never hard-coded', () => {
    const { tf } = synthPipeline();
    const env = resource(tf, 'alicloud_fcv3_function', 'Compute/Api').environment_variables;
    const regionsId = Object.keys(tf.data!.alicloud_regions)[0];
    const accountId = Object.keys(tf.data!.alicloud_account)[0];
    expect(tf.data!.alicloud_regions[regionsId].current).toBe(true);
    expect(env.SNAPSHOT_REGION).toBe(`\${element(data.alicloud_regions.${regionsId}.ids, 0)}`);
    expect(env.SNAPSHOT_ACCOUNT_ID).toBe(`\${data.alicloud_account.${accountId}.id}`);
    expect(resource(tf, 'alicloud_oss_bucket', 'Storage/Input/Bucket').bucket).toMatch(/^snapshots-[0-9a-f]{6}-input-\$\{data\.alicloud_account\.[^}]+\.id\}$/);
  });

  test('outputs: endpoint, pipeline id, buckets, Tablestore, topic, queue, functions and role', () => {
    const { tf, pipeline } = synthPipeline();
    const byName = Object.fromEntries(Object.entries(tf.output).map(([k, v]) => [k.replace(/^Snapshots_(.*)_[0-9A-F]{8}$/, '$1'), v.value]));
    expect(byName).toEqual({
      api_endpoint: `\${${'alicloud_fcv3_trigger'}.${Object.keys(tf.resource.alicloud_fcv3_trigger).find((k) => k.includes('HttpTrigger'))}.http_trigger[0].url_internet}`,
      pipeline_id: pipeline.pipelineId,
      input_bucket: ref(tf, 'alicloud_oss_bucket', 'Storage/Input/Bucket', 'bucket'),
      output_bucket: ref(tf, 'alicloud_oss_bucket', 'Storage/Output/Bucket', 'bucket'),
      notification_topic: ref(tf, 'alicloud_message_service_topic', 'Messaging/NotificationTopic', 'topic_name'),
      notification_queue: ref(tf, 'alicloud_message_service_queue', 'Messaging/NotificationQueue', 'queue_name'),
      api_function: ref(tf, 'alicloud_fcv3_function', 'Compute/Api', 'function_name'),
      worker_function: ref(tf, 'alicloud_fcv3_function', 'Compute/Worker', 'function_name'),
      function_role_arn: ref(tf, 'alicloud_ram_role', 'FunctionRole/Role', 'arn'),
      tablestore_instance: ref(tf, 'alicloud_ots_instance', 'JobTable/Instance', 'name'),
      tablestore_endpoint: `https://${ref(tf, 'alicloud_ots_instance', 'JobTable/Instance', 'name')}.\${element(data.alicloud_regions.${Object.keys(tf.data!.alicloud_regions)[0]}.ids, 0)}.ots.aliyuncs.com`,
      job_table: pipeline.jobTableName,
      nonce_table: pipeline.nonceTableName,
    });
    for (const o of Object.values(tf.output)) expect(o.description).toBeTruthy();
  });

  test('PipelineId is 32 lower-case hex, the same on every synth of the same path, different for another path', () => {
    const a = synthPipelines([{}]).pipelines[0].pipelineId;
    const b = synthPipelines([{}]).pipelines[0].pipelineId;
    const other = synthPipelines([{}], ['Thumbnails']).pipelines[0].pipelineId;
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(b).toBe(a);
    expect(other).toMatch(/^[0-9a-f]{32}$/);
    expect(other).not.toBe(a);
  });

  test('a PipelineId from MPS can be kept', () => {
    const { tf, pipeline } = synthPipeline({ pipelineId: 'dd3dae411e704030b921e52698e5aaaa' });
    expect(pipeline.pipelineId).toBe('dd3dae411e704030b921e52698e5aaaa');
    expect(resource(tf, 'alicloud_fcv3_function', 'Compute/Worker').environment_variables.SNAPSHOT_PIPELINE_ID).toBe('dd3dae411e704030b921e52698e5aaaa');
  });

  test('two pipelines in one stack get different names for every named resource', () => {
    const { tf, pipelines } = synthPipelines([{}, {}]);
    const single = synthPipeline().tf;
    const named: [string, string][] = [
      ['alicloud_oss_bucket', 'bucket'],
      ['alicloud_ram_role', 'role_name'],
      ['alicloud_ram_policy', 'policy_name'],
      ['alicloud_message_service_topic', 'topic_name'],
      ['alicloud_message_service_queue', 'queue_name'],
      ['alicloud_message_service_subscription', 'subscription_name'],
      ['alicloud_fcv3_function', 'function_name'],
      ['alicloud_log_project', 'project_name'],
    ];
    for (const [type, attr] of named) {
      const names = resources(tf, type).map(([, r]) => r[attr]);
      expect(names.length).toBe(2 * resources(single, type).length);
      expect(new Set(names).size).toBe(names.length);
    }
    expect(pipelines[0].pipelineId).not.toBe(pipelines[1].pipelineId);
    expect(pipelines[0].namePrefix).not.toBe(pipelines[1].namePrefix);
    expect(Object.keys(tf.output)).toHaveLength(26);
  });

  test('sizing props reach the functions; max instances add concurrency configs', () => {
    const { tf } = synthPipeline({
      apiMemoryMb: 1024, apiCpu: 0.5, apiTimeoutSeconds: 20, apiInstanceConcurrency: 8, apiMaxInstances: 10,
      workerMemoryMb: 8192, workerCpu: 4, workerTimeoutSeconds: 3600, workerDiskMb: 10240, workerMaxInstances: 3, workerMaxRetries: 5,
    });
    const api = resource(tf, 'alicloud_fcv3_function', 'Compute/Api');
    const worker = resource(tf, 'alicloud_fcv3_function', 'Compute/Worker');
    expect([api.memory_size, api.cpu, api.timeout, api.instance_concurrency]).toEqual([1024, 0.5, 20, 8]);
    expect([worker.memory_size, worker.cpu, worker.timeout, worker.disk_size]).toEqual([8192, 4, 3600, 10240]);
    expect(resource(tf, 'alicloud_fcv3_concurrency_config', 'Compute/ApiConcurrency')).toMatchObject({ function_name: ref(tf, 'alicloud_fcv3_function', 'Compute/Api', 'function_name'), reserved_concurrency: 10 });
    expect(resource(tf, 'alicloud_fcv3_concurrency_config', 'Compute/WorkerConcurrency')).toMatchObject({ function_name: ref(tf, 'alicloud_fcv3_function', 'Compute/Worker', 'function_name'), reserved_concurrency: 3 });
    expect(resource(tf, 'alicloud_fcv3_async_invoke_config', 'Compute/WorkerAsyncConfig').max_async_retry_attempts).toBe(5);
  });

  test('custom layers replace the official ones', () => {
    const layers = ['acs:fc:cn-hangzhou:1234567890123456:layers/MyNode/versions/2', 'acs:fc:cn-hangzhou:official:layers/FFmpeg6x/versions/1'];
    const { tf } = synthPipeline({ layerArns: layers });
    expect(resource(tf, 'alicloud_fcv3_function', 'Compute/Api').layers).toEqual(layers);
  });

  test('given log project and store: none created, functions log there and the role may write only there', () => {
    const { tf } = synthPipeline({ region: REGION, accountId: ACCOUNT, existingLogProjectName: 'platform-logs', existingLogStoreName: 'functions' });
    expect(resources(tf, 'alicloud_log_project')).toHaveLength(0);
    expect(resources(tf, 'alicloud_log_store')).toHaveLength(0);
    expect(resource(tf, 'alicloud_fcv3_function', 'Compute/Api').log_config).toMatchObject({ project: 'platform-logs', logstore: 'functions' });
    const logStatement = policyOf(tf, 'FunctionRole/Policy').Statement.find((s) => s.Action.includes('log:PostLogStoreLogs'));
    expect(logStatement.Resource).toEqual([`acs:log:${REGION}:${ACCOUNT}:project/platform-logs/logstore/functions`]);
  });

  test('a created log store keeps logs for logRetentionDays and has an index for the console', () => {
    const { tf } = synthPipeline({ logRetentionDays: 14 });
    expect(resource(tf, 'alicloud_log_store', 'Logs/Store')).toMatchObject({ retention_period: 14, shard_count: 1, auto_split: true });
    const fullText = resource(tf, 'alicloud_log_store_index', 'Logs/Index').full_text;
    expect(fullText).toMatchObject({ case_sensitive: false, include_chinese: false });
    // The JSON log lines must split into searchable words on their punctuation.
    for (const separator of [' ', ',', '"', ':', '{', '}', '\n']) expect(fullText.token).toContain(separator);
  });

  test('grantSubmit lets a role of the stack upload inputs and read snapshots, nothing more', () => {
    const app = testingApp();
    const stack = new TerraformStack(app, 'grants');
    const role = new RamRole(stack, 'AppRole', { roleName: 'media-app', assumeRolePolicyDocument: '{}' });
    const p = new SnapshotPipeline(stack, 'Snapshots', { apiAccessKeys: KEYS, accountId: ACCOUNT, region: REGION, existingInputBucketName: 'media-in', existingOutputBucketName: 'media-out' });
    p.grantSubmit(role);
    p.grantConsumeNotifications(role);
    p.grantReadResults({ roleName: 'reporting' });
    const tf = JSON.parse(Testing.synth(stack));
    const attachments = resources(tf, 'alicloud_ram_role_policy_attachment').filter(([id]) => id.includes('_Grant'));
    expect(attachments.map(([, a]) => a.role_name)).toEqual([`\${alicloud_ram_role.${Object.keys(tf.resource.alicloud_ram_role).find((k) => k.startsWith('AppRole'))}.role_name}`, expect.stringContaining('role_name'), 'reporting']);
    expect(policyOf(tf, 'Grant1/Policy').Statement).toEqual([
      { Effect: 'Allow', Action: ['oss:PutObject'], Resource: [`acs:oss:*:${ACCOUNT}:media-in/*`] },
      { Effect: 'Allow', Action: ['oss:GetObject'], Resource: [`acs:oss:*:${ACCOUNT}:media-out/*`] },
    ]);
    expect(policyOf(tf, 'Grant2/Policy').Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['mns:ReceiveMessage', 'mns:DeleteMessage', 'mns:ChangeMessageVisibility'],
        Resource: [`acs:mns:${REGION}:${ACCOUNT}:/queues/${p.namePrefix}-notifications/messages`.replace(`${p.namePrefix}-notifications`, ref(tf, 'alicloud_message_service_queue', 'NotificationQueue', 'queue_name'))],
      },
    ]);
    expect(policyOf(tf, 'Grant3/Policy').Statement).toEqual([{ Effect: 'Allow', Action: ['oss:GetObject'], Resource: [`acs:oss:*:${ACCOUNT}:media-out/*`] }]);
    const names = resources(tf, 'alicloud_ram_policy').map(([, r]) => r.policy_name);
    expect(new Set(names).size).toBe(names.length);
  });
});
