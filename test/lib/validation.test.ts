import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import { SnapshotPipeline, SnapshotPipelineProps } from '../../lib';
import { KEYS, testingApp } from './synth';

function build(props: Partial<SnapshotPipelineProps>): () => SnapshotPipeline {
  return () => {
    const stack = new TerraformStack(testingApp(), 'validation');
    return new SnapshotPipeline(stack, 'Snapshots', { apiAccessKeys: KEYS, ...props } as SnapshotPipelineProps);
  };
}

function problemsOf(props: Partial<SnapshotPipelineProps>): string[] {
  try {
    build(props)();
  } catch (e) {
    const message = (e as Error).message;
    expect(message.split('\n')[0]).toBe('Invalid SnapshotPipeline props:');
    return message.split('\n').slice(1).map((l) => l.trim());
  }
  throw new Error('expected the props to be rejected');
}

describe('prop validation', () => {
  test('every invalid prop is reported, all in one error', () => {
    const problems = problemsOf({
      apiAccessKeys: '[{"accessKeyId":"x"}]',
      namePrefix: 'Bad_Prefix',
      pipelineId: 'DD3DAE41',
      region: 'Hangzhou',
      accountId: 'acme',
      inputBucketName: 'Has_Upper',
      existingInputBucketName: 'ok-bucket',
      outputBucketName: 'ab',
      encryption: 'SM4' as 'KMS',
      apiMemoryMb: 100,
      apiCpu: 3,
      workerMemoryMb: 4000,
      workerDiskMb: 2048,
      workerMaxRetries: 9,
      syncTimeoutMs: 50,
      outputExpirationDays: 0,
      tablestoreInstanceName: '9-bad-',
      layerArns: ['not-an-arn'],
      existingLogProjectName: 'only-project',
      logRetentionDays: 0,
      notificationRetentionSeconds: 10,
    });
    const expected = [
      'apiAccessKeys must be a non-empty JSON array of {"accessKeyId","accessKeySecret"} with non-empty strings',
      'namePrefix "Bad_Prefix" must start with a lower-case letter, end with a letter or digit and contain only lower-case letters, digits and hyphens',
      'pipelineId must be 32 lower-case hex characters, got "DD3DAE41"',
      'region must be a region id like cn-hangzhou, got "Hangzhou"',
      'accountId must be the numeric account id, got "acme"',
      'inputBucketName "Has_Upper" is not a valid OSS bucket name: it may contain only lower-case letters, digits and hyphens',
      'outputBucketName "ab" is not a valid OSS bucket name: it must be 3..63 characters long, got 2',
      'inputBucketName and existingInputBucketName are exclusive: name the bucket to create, or the one to use',
      'encryption must be "AES256" or "KMS", got "SM4"',
      'outputExpirationDays must be an integer in 1..36500, got 0',
      'tablestoreInstanceName must be 3..16 letters, digits or hyphens, starting with a letter and not ending with a hyphen, got "9-bad-"',
      'apiMemoryMb must be an integer in 128..32768, got 100',
      'apiMemoryMb must be a multiple of 64, got 100',
      'apiMemoryMb / apiCpu must be 1..4 GB per vCPU, got 100 MB for 3 vCPU',
      'workerMemoryMb must be a multiple of 64, got 4000',
      'workerDiskMb must be 512 or 10240, got 2048',
      'workerMaxRetries must be an integer in 0..8, got 9',
      'syncTimeoutMs must be an integer in 100..600000, got 50',
      'layerArns entry "not-an-arn" is not a layer version ARN (acs:fc:<region>:<owner>:layers/<name>/versions/<n>)',
      'existingLogProjectName and existingLogStoreName must be given together',
      'logRetentionDays must be an integer in 1..3650, got 0',
      'notificationRetentionSeconds must be an integer in 60..604800, got 10',
    ];
    expect(problems.sort()).toEqual(expected.sort());
  });

  test('stale-job sweep: cron syntax, ranges, and a threshold that leaves room for a full worker run', () => {
    expect(
      problemsOf({ staleJobSweepCron: 'every 10 minutes', staleJobMinutes: 0, staleJobMaxRedispatches: 101 }).sort(),
    ).toEqual(
      [
        'staleJobSweepCron must be "@every <n>m", "@every <n>h" (at least 1 minute) or a six-field cron expression (sec min hour day month weekday), got "every 10 minutes"',
        'staleJobMinutes must be an integer in 1..10080, got 0',
        'staleJobMaxRedispatches must be an integer in 0..100, got 101',
      ].sort(),
    );
    expect(problemsOf({ staleJobSweepCron: '@every 0m' })).toHaveLength(1);
    expect(problemsOf({ staleJobSweepCron: '*/5 * * * *' })).toHaveLength(1);
    expect(problemsOf({ workerTimeoutSeconds: 1800, staleJobMinutes: 35 })).toEqual([
      'staleJobMinutes (35) must be at least 36: workerTimeoutSeconds (1800 s) plus 6 minutes, or the sweep could re-dispatch a job a worker still runs',
    ]);
    for (const ok of [{ staleJobSweepCron: '@every 1h' }, { staleJobSweepCron: '@every 1h30m' }, { staleJobSweepCron: '0 0 4 * * *' }, { workerTimeoutSeconds: 1800, staleJobMinutes: 36 }, { staleJobMaxRedispatches: 0 }]) {
      expect(build(ok)).not.toThrow();
    }
  });

  test('the API keys are required and must be JSON', () => {
    expect(problemsOf({ apiAccessKeys: '' })).toEqual(['apiAccessKeys is required: JSON [{"accessKeyId":"..","accessKeySecret":".."}] (the keys API callers sign with)']);
    expect(problemsOf({ apiAccessKeys: 'id:secret' })).toEqual(['apiAccessKeys is not valid JSON']);
  });

  test('cross-prop rules: sync deadline inside the API timeout, kmsKeyId only with KMS, distinct buckets, cpu steps', () => {
    expect(problemsOf({ syncTimeoutMs: 30000, apiTimeoutSeconds: 30, kmsKeyId: 'key-1', inputBucketName: 'same-bucket', outputBucketName: 'same-bucket', workerCpu: 1.23, workerMemoryMb: 4096 })).toEqual([
      'inputBucketName and outputBucketName must differ (both "same-bucket")',
      'kmsKeyId is only used with encryption: "KMS"',
      'workerCpu must be a multiple of 0.05, got 1.23',
      'syncTimeoutMs (30000) must be below apiTimeoutSeconds (30 s), or FC ends sync requests before they can answer SnapshotTimeOut',
    ]);
  });

  test('the worker memory must fit its vCPUs (1 to 4 GB each)', () => {
    expect(problemsOf({ workerMemoryMb: 1024, workerCpu: 2 })).toEqual(['workerMemoryMb / workerCpu must be 1..4 GB per vCPU, got 1024 MB for 2 vCPU']);
    expect(problemsOf({ workerMemoryMb: 16384, workerCpu: 2 })).toEqual(['workerMemoryMb / workerCpu must be 1..4 GB per vCPU, got 16384 MB for 2 vCPU']);
  });

  test('valid props and tokens pass', () => {
    const stack = new TerraformStack(testingApp(), 'tokens');
    const keys = new TerraformVariable(stack, 'keys', { type: 'string', sensitive: true });
    const memory = new TerraformVariable(stack, 'memory', { type: 'number' });
    expect(() => new SnapshotPipeline(stack, 'Snapshots', { apiAccessKeys: keys.stringValue, workerMemoryMb: memory.numberValue, namePrefix: 'prod-snaps' })).not.toThrow();
    expect(build({ namePrefix: 'ok-prefix', workerMemoryMb: 2048, workerCpu: 0.5, pipelineId: 'dd3dae411e704030b921e52698e5aaaa' })).not.toThrow();
  });

  test('a token worker timeout needs an explicit staleJobMinutes; the event age limit then becomes a Terraform expression', () => {
    const stack = new TerraformStack(testingApp(), 'stale-tokens');
    const timeout = new TerraformVariable(stack, 'timeout', { type: 'number' });
    expect(() => new SnapshotPipeline(stack, 'NoThreshold', { apiAccessKeys: KEYS, workerTimeoutSeconds: timeout.numberValue })).toThrow(
      'staleJobMinutes must be given when workerTimeoutSeconds is a token (its default is derived from the timeout)',
    );
    const pipeline = new SnapshotPipeline(stack, 'Snapshots', { apiAccessKeys: KEYS, namePrefix: 'tok-snaps', workerTimeoutSeconds: timeout.numberValue, staleJobMinutes: 90 });
    const config = Object.values(JSON.parse(Testing.synth(stack)).resource.alicloud_fcv3_async_invoke_config as Record<string, { max_async_event_age_in_seconds: string }>);
    expect(config).toHaveLength(1);
    expect(config[0].max_async_event_age_in_seconds).toBe('${((90 * 60) - (var.timeout + 300))}');
    expect(pipeline.workerFunctionName).toBeDefined();
  });
});

describe("Function Compute's 4 KB limit on a function's environment variables", () => {
  /** `n` key pairs shaped like real ones: a 24-character AccessKey id, a 30-character secret. */
  const pairs = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => ({ accessKeyId: `LTAI5t${String(i).padStart(18, '0')}`, accessKeySecret: 's'.repeat(30) })));
  /** One pair whose JSON is exactly `length` characters. */
  const keysOfLength = (length: number) => `[{"accessKeyId":"a","accessKeySecret":"${'x'.repeat(length - 42)}"}]`;
  const literal = { region: 'cn-hangzhou', accountId: '1234567890123456', existingInputBucketName: 'media-in', existingOutputBucketName: 'media-out', namePrefix: 'snaps' };

  test('literal keys past the limit fail synth with the sizes, and the room left', () => {
    expect(build({ ...literal, apiAccessKeys: pairs(30) })).not.toThrow();
    const problems = problemsOf({ ...literal, apiAccessKeys: pairs(50) });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^apiAccessKeys takes 4701 bytes, and the API function's environment variables would take \d+ bytes in all, over Function Compute's limit of 4096 bytes \(4 KB\) for all variables together; \d+ bytes are left for the keys: give fewer key pairs$/,
    );
  });

  test('keys given as a token get a plan-time precondition whose budget is exactly what synth allows a literal', () => {
    const stack = new TerraformStack(testingApp(), 'env-token');
    const keys = new TerraformVariable(stack, 'keys', { type: 'string', sensitive: true });
    new SnapshotPipeline(stack, 'Snapshots', { ...literal, apiAccessKeys: keys.stringValue });
    const fns = JSON.parse(Testing.synth(stack)).resource.alicloud_fcv3_function as Record<string, { function_name: string; lifecycle?: { precondition: { condition: string; error_message: string }[] } }>;
    const api = Object.values(fns).find((f) => f.function_name === 'snaps-api')!;
    const worker = Object.values(fns).find((f) => f.function_name === 'snaps-worker')!;
    expect(worker.lifecycle).toBeUndefined();
    const [check] = api.lifecycle!.precondition;
    const budget = Number(/^\$\{\(length\(var\.keys\) <= (\d+)\)\}$/.exec(check.condition)![1]);
    expect(check.error_message).toBe(
      `apiAccessKeys is longer than the ${budget} characters left of Function Compute's 4 KB limit on all environment variables of the API function. Give fewer key pairs.`,
    );
    // The same pipeline with literal keys: the budget fits, one byte more does not.
    expect(build({ ...literal, apiAccessKeys: keysOfLength(budget) })).not.toThrow();
    expect(keysOfLength(budget)).toHaveLength(budget);
    expect(problemsOf({ ...literal, apiAccessKeys: keysOfLength(budget + 1) })).toEqual([
      `apiAccessKeys takes ${budget + 1} bytes, and the API function's environment variables would take 4097 bytes in all, over Function Compute's limit of 4096 bytes (4 KB) for all variables together; ${budget} bytes are left for the keys: give fewer key pairs`,
    ]);
  });
});

describe('backpressure and poison-job limits', () => {
  test('out-of-range limits and a sync wait as long as the sync deadline are reported together', () => {
    expect(problemsOf({ maxRunningJobs: 0, syncWaitMs: 6000, maxAsyncBacklog: 0, maxJobRuns: 101 })).toEqual([
      'maxRunningJobs must be an integer in 1..256, got 0',
      'maxAsyncBacklog must be an integer in 1..1000000, got 0',
      'maxJobRuns must be an integer in 1..100, got 101',
      'syncWaitMs (6000) must be below syncTimeoutMs (5000): a request that waited that long could not finish in time',
    ]);
  });
});
