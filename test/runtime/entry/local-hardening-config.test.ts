/**
 * `npm start`'s banner and the limits it reads (issue 13, items 6, 7 and 11): the AccessKeySecret is
 * printed only to a terminal; every limit has a default and is checked. Failed before the fix.
 */
import { readLocalConfig } from '../../../runtime/entry/config';
import type { LocalService } from '../../../runtime/entry/local-server';
import { startupBanner } from '../../../runtime/entry/startup-banner';

const svc = {
  endpoint: 'http://127.0.0.1:8080',
  region: 'cn-hangzhou',
  accessKeyId: 'LTAIbanner',
  accessKeySecret: 'the-secret-value',
  pipelineId: 'a'.repeat(32),
  inputBucket: 'snapshot-input',
  outputBucket: 'snapshot-output',
  dataDir: '/data',
  mnsEndpoint: 'http://127.0.0.1:8081',
  accountId: '1',
  notificationQueue: 'q',
  resumedJobs: 0,
  bucketDir: (b: string) => `/data/buckets/${b}`,
} as unknown as LocalService;

test('the secret is printed to a terminal only; otherwise the banner points to local.json', () => {
  expect(startupBanner(svc, { terminal: true })).toContain('the-secret-value');
  const piped = startupBanner(svc, { terminal: false });
  expect(piped).not.toContain('the-secret-value');
  expect(piped).toContain('/data/local.json');
  expect(piped).toContain('LTAIbanner');
});

test('limits have defaults', () => {
  expect(readLocalConfig({})).toMatchObject({
    maxConnections: 128,
    requestTimeoutMs: 15_000,
    jobOutputBudgetBytes: 256 * 1024 * 1024,
    minFreeBytes: 256 * 1024 * 1024,
    allowedHosts: [],
    corsOrigins: [],
  });
});

test('limits are read and checked, every problem reported at once', () => {
  expect(
    readLocalConfig({
      SNAPSHOT_MAX_CONNECTIONS: '16',
      SNAPSHOT_REQUEST_TIMEOUT_MS: '500',
      SNAPSHOT_JOB_OUTPUT_MB: '1',
      SNAPSHOT_MIN_FREE_MB: '0',
      SNAPSHOT_ALLOWED_HOSTS: 'mybox.lan:8080, [::1]:8080',
      SNAPSHOT_CORS_ORIGINS: 'http://127.0.0.1:3000',
    }),
  ).toMatchObject({ maxConnections: 16, requestTimeoutMs: 500, jobOutputBudgetBytes: 1024 * 1024, minFreeBytes: 0, allowedHosts: ['mybox.lan:8080', '[::1]:8080'], corsOrigins: ['http://127.0.0.1:3000'] });
  expect(() => readLocalConfig({ SNAPSHOT_MAX_CONNECTIONS: '0', SNAPSHOT_CORS_ORIGINS: '*', SNAPSHOT_ALLOWED_HOSTS: 'a b' })).toThrow(
    /SNAPSHOT_ALLOWED_HOSTS[\s\S]*SNAPSHOT_CORS_ORIGINS[\s\S]*SNAPSHOT_MAX_CONNECTIONS/,
  );
});
