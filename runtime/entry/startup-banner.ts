/**
 * What `npm start` prints. The AccessKeySecret is shown only when stdout is a terminal: piped
 * or redirected output ends up in log files, CI logs and terminal recorders, where a secret does
 * not belong. Otherwise the banner points to local.json, which is written readable by its owner
 * only (0600).
 */
import * as path from 'node:path';
import type { LocalService } from './local-server';

/** `console`: where the browser console is (or why it is off), one line. */
export function startupBanner(svc: LocalService, opts: { terminal: boolean; console?: string }): string {
  const localJson = path.join(svc.dataDir, 'local.json');
  const secret = opts.terminal ? svc.accessKeySecret : `(not printed, stdout is not a terminal: see accessKeySecret in ${localJson}, mode 0600)`;
  return (
    [
      `MPS snapshot endpoint listening on ${svc.endpoint} (region ${svc.region})`,
      `  AccessKeyId      ${svc.accessKeyId}`,
      `  AccessKeySecret  ${secret}`,
      `  PipelineId       ${svc.pipelineId}`,
      `  input bucket     ${svc.inputBucket} -> ${svc.bucketDir(svc.inputBucket)} (sample: sample/sample.mp4)`,
      `  output bucket    ${svc.outputBucket} -> ${svc.bucketDir(svc.outputBucket)}`,
      `  notifications    MNS endpoint ${svc.mnsEndpoint}, account ${svc.accountId}, queue ${svc.notificationQueue}`,
      svc.resumedJobs ? `  resumed ${svc.resumedJobs} unfinished job(s)` : '',
      opts.console ? `  console          ${opts.console}` : '',
      `Everything above is in ${localJson}`,
    ]
      .filter((l) => l !== '')
      .join('\n') + '\n'
  );
}
