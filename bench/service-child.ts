/**
 * The local service in its own process, so the bench can read its CPU time and memory from /proc
 * without counting the bench's own SDK client. Prints one JSON line with what a client needs.
 */
import { startLocalService } from '../runtime/entry/local-server';

async function main(): Promise<void> {
  const [dataDir, syncTimeoutMs] = process.argv.slice(2);
  const svc = await startLocalService({ dataDir, port: 0, host: '127.0.0.1', syncTimeoutMs: Number(syncTimeoutMs), seedSample: false });
  process.stdout.write(
    `${JSON.stringify({
      endpoint: svc.endpoint,
      port: svc.port,
      region: svc.region,
      accessKeyId: svc.accessKeyId,
      accessKeySecret: svc.accessKeySecret,
      pipelineId: svc.pipelineId,
      inputBucket: svc.inputBucket,
      outputBucket: svc.outputBucket,
      inputDir: svc.bucketDir(svc.inputBucket),
      outputDir: svc.bucketDir(svc.outputBucket),
    })}\n`,
  );
  const stop = (): void => {
    svc.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`service-child: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
