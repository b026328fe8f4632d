/**
 * `npm start`: the local MPS snapshot endpoint. Configuration by environment (see config.ts and
 * docs/local.md); prints what a client needs and writes it to `<dataDir>/local.json`.
 *
 * SIGINT/SIGTERM: stop accepting calls, give running jobs a moment to finish, exit 0. Jobs still
 * unfinished stay recorded and resume at the next start, so no accepted job is lost.
 */
import { readLocalConfig, ConfigError } from './config';
import { describeConsole, readConsoleEnv } from '../local/console/console-options';
import { startLocalService } from './local-server';
import { startupBanner } from './startup-banner';

async function main(): Promise<void> {
  const cfg = readLocalConfig();
  const consoleOptions = readConsoleEnv(process.env);
  const svc = await startLocalService({
    dataDir: cfg.dataDir,
    port: cfg.port,
    host: cfg.host,
    region: cfg.region,
    accessKeyId: cfg.accessKeyId,
    accessKeySecret: cfg.accessKeySecret,
    syncTimeoutMs: cfg.syncTimeoutMs,
    workerConcurrency: cfg.workerConcurrency,
    allowedHosts: cfg.allowedHosts,
    corsOrigins: cfg.corsOrigins,
    httpLimits: { maxConnections: cfg.maxConnections, requestTimeoutMs: cfg.requestTimeoutMs },
    jobOutputBudgetBytes: cfg.jobOutputBudgetBytes,
    minFreeBytes: cfg.minFreeBytes,
    limits: cfg.limits,
    seedSample: true,
    console: consoleOptions,
  });
  process.stdout.write(startupBanner(svc, { terminal: process.stdout.isTTY === true, console: describeConsole(svc.endpoint, svc.host, consoleOptions) }));

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
