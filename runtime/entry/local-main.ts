/**
 * `npm start`: the local MPS snapshot endpoint. Configuration by environment (see config.ts and
 * docs/local.md); prints what a client needs and writes it to `<dataDir>/local.json`.
 *
 * SIGINT/SIGTERM: stop accepting calls, give running jobs a moment to finish, exit 0. Jobs still
 * unfinished stay recorded and resume at the next start, so no accepted job is lost.
 */
import { readLocalConfig, ConfigError } from './config';
import { startLocalService } from './local-server';

async function main(): Promise<void> {
  const cfg = readLocalConfig();
  const svc = await startLocalService({
    dataDir: cfg.dataDir,
    port: cfg.port,
    host: cfg.host,
    region: cfg.region,
    accessKeyId: cfg.accessKeyId,
    accessKeySecret: cfg.accessKeySecret,
    syncTimeoutMs: cfg.syncTimeoutMs,
    workerConcurrency: cfg.workerConcurrency,
    limits: cfg.limits,
    seedSample: true,
  });
  process.stdout.write(
    [
      `MPS snapshot endpoint listening on ${svc.endpoint} (region ${svc.region})`,
      `  AccessKeyId      ${svc.accessKeyId}`,
      `  AccessKeySecret  ${svc.accessKeySecret}`,
      `  PipelineId       ${svc.pipelineId}`,
      `  input bucket     ${svc.inputBucket} -> ${svc.bucketDir(svc.inputBucket)} (sample: sample/sample.mp4)`,
      `  output bucket    ${svc.outputBucket} -> ${svc.bucketDir(svc.outputBucket)}`,
      `  notifications    MNS endpoint ${svc.mnsEndpoint}, account ${svc.accountId}, queue ${svc.notificationQueue}`,
      svc.resumedJobs ? `  resumed ${svc.resumedJobs} unfinished job(s)` : '',
      `Everything above is in ${svc.dataDir}/local.json`,
      '',
    ]
      .filter((l) => l !== '')
      .join('\n') + '\n',
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping (unfinished jobs resume at next start)\n`);
    svc.close().then(
      () => process.exit(0),
      (e) => {
        process.stderr.write(`error while stopping: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e) => {
  process.stderr.write(`${e instanceof ConfigError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
