import { STALE_JOB_SWEEP_PAYLOAD } from '../../lib/compute';
import { sweepRequestOf } from '../../runtime/entry/timer-trigger-event';
import { ACCOUNT, ref, REGION, resource, resources, synthPipeline } from './synth';

describe('Function Compute triggers', () => {
  test('the API sits behind an anonymous HTTP trigger for GET and POST (the runtime checks MPS signatures)', () => {
    const { tf, pipeline } = synthPipeline();
    const trigger = resource(tf, 'alicloud_fcv3_trigger', 'Compute/HttpTrigger');
    expect(trigger).toMatchObject({ trigger_type: 'http', qualifier: 'LATEST', function_name: ref(tf, 'alicloud_fcv3_function', 'Compute/Api', 'function_name') });
    expect(JSON.parse(trigger.trigger_config)).toEqual({ authType: 'anonymous', methods: ['GET', 'POST'], disableURLInternet: false });
    // The endpoint users get (output and property) is the trigger's public URL.
    const endpoint = Object.entries(tf.output).find(([k]) => k.includes('api_endpoint'))![1].value;
    expect(endpoint).toBe(ref(tf, 'alicloud_fcv3_trigger', 'Compute/HttpTrigger', 'http_trigger[0].url_internet'));
    expect(pipeline.apiEndpoint).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
  });

  test('the worker has no event-source trigger: jobs reach it by async InvokeFunction, the sweep by its timer', () => {
    const { tf, pipeline } = synthPipeline({ region: REGION, accountId: ACCOUNT });
    const worker = ref(tf, 'alicloud_fcv3_function', 'Compute/Worker', 'function_name');
    expect(resources(tf, 'alicloud_fcv3_trigger').filter(([, t]) => t.function_name === worker).map(([, t]) => t.trigger_type)).toEqual(['timer']);
    // The name the runtime invokes (SNAPSHOT_WORKER_FUNCTION) is the worker's name.
    const workerFn = resource(tf, 'alicloud_fcv3_function', 'Compute/Worker');
    for (const fn of ['Compute/Api', 'Compute/Worker']) {
      expect(resource(tf, 'alicloud_fcv3_function', fn).environment_variables.SNAPSHOT_WORKER_FUNCTION).toBe(workerFn.function_name);
    }
    expect(workerFn.function_name).toBe(`${pipeline.namePrefix}-worker`);
  });

  test('async invocations of the worker are retried at most workerMaxRetries times (default 2)', () => {
    const { tf } = synthPipeline();
    expect(resource(tf, 'alicloud_fcv3_async_invoke_config', 'Compute/WorkerAsyncConfig')).toMatchObject({
      function_name: ref(tf, 'alicloud_fcv3_function', 'Compute/Worker', 'function_name'),
      max_async_retry_attempts: 2,
    });
    expect(resources(tf, 'alicloud_fcv3_async_invoke_config')).toHaveLength(1);
  });

  test('a timer trigger invokes the worker every 10 minutes with the stale-job sweep message the runtime recognizes', () => {
    const { tf } = synthPipeline();
    const trigger = resource(tf, 'alicloud_fcv3_trigger', 'Compute/SweepTrigger');
    expect(trigger).toMatchObject({
      trigger_type: 'timer',
      trigger_name: 'stale-job-sweep',
      qualifier: 'LATEST',
      function_name: ref(tf, 'alicloud_fcv3_function', 'Compute/Worker', 'function_name'),
    });
    // Timer triggers need no source or invocation role: FC invokes its own function.
    expect(trigger).not.toHaveProperty('source_arn');
    expect(trigger).not.toHaveProperty('invocation_role');
    const config = JSON.parse(trigger.trigger_config);
    expect(config).toEqual({ cronExpression: '@every 10m', enable: true, payload: STALE_JOB_SWEEP_PAYLOAD });
    // What FC sends when the trigger fires is a sweep request for the worker.
    const event = JSON.stringify({ triggerTime: '2024-05-19T03:10:00Z', triggerName: trigger.trigger_name, payload: config.payload });
    expect(sweepRequestOf(event)).toEqual({ triggerName: 'stale-job-sweep', triggerTime: '2024-05-19T03:10:00Z' });
  });

  test('stale jobs: no async event outlives the threshold minus one worker run, so a re-dispatch never overlaps a live worker', () => {
    // Defaults: worker timeout 1800 s, threshold 70 min => events expire after 4200 - 1800 - 300 s.
    const defaults = synthPipeline().tf;
    expect(resource(defaults, 'alicloud_fcv3_async_invoke_config', 'Compute/WorkerAsyncConfig').max_async_event_age_in_seconds).toBe(2100);

    const { tf } = synthPipeline({ workerTimeoutSeconds: 600, staleJobMinutes: 30, staleJobMaxRedispatches: 5, staleJobSweepCron: '0 0/5 * * * *' });
    expect(resource(tf, 'alicloud_fcv3_async_invoke_config', 'Compute/WorkerAsyncConfig').max_async_event_age_in_seconds).toBe(30 * 60 - 600 - 300);
    expect(JSON.parse(resource(tf, 'alicloud_fcv3_trigger', 'Compute/SweepTrigger').trigger_config).cronExpression).toBe('0 0/5 * * * *');
    const env = resource(tf, 'alicloud_fcv3_function', 'Compute/Worker').environment_variables;
    expect([env.SNAPSHOT_STALE_JOB_MINUTES, env.SNAPSHOT_STALE_JOB_MAX_REDISPATCHES]).toEqual(['30', '5']);
    // The default threshold follows the worker timeout: 2 x 600 s + 10 min = 30 min.
    const derived = synthPipeline({ workerTimeoutSeconds: 600 }).tf;
    expect(resource(derived, 'alicloud_fcv3_function', 'Compute/Worker').environment_variables.SNAPSHOT_STALE_JOB_MINUTES).toBe('30');
  });
});

describe('backpressure limits reach both functions', () => {
  const env = (tf: ReturnType<typeof synthPipeline>['tf'], role: string) =>
    Object.values(tf.resource.alicloud_fcv3_function as Record<string, any>).find((f) => f.environment_variables.SNAPSHOT_FUNCTION_ROLE === role).environment_variables;

  test('set props become the runtime variables; unset ones leave the runtime defaults', () => {
    const { tf } = synthPipeline({ maxRunningJobs: 4, syncWaitMs: 500, maxAsyncBacklog: 5000, maxJobRuns: 2 });
    for (const role of ['api', 'worker']) {
      expect(env(tf, role)).toMatchObject({ SNAPSHOT_MAX_RUNNING_JOBS: '4', SNAPSHOT_SYNC_WAIT_MS: '500', SNAPSHOT_MAX_ASYNC_BACKLOG: '5000', SNAPSHOT_MAX_JOB_RUNS: '2' });
    }
    const plain = env(synthPipeline().tf, 'api');
    for (const name of ['SNAPSHOT_MAX_RUNNING_JOBS', 'SNAPSHOT_SYNC_WAIT_MS', 'SNAPSHOT_MAX_ASYNC_BACKLOG', 'SNAPSHOT_MAX_JOB_RUNS']) expect(plain).not.toHaveProperty(name);
  });
});
