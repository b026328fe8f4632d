/**
 * Hands accepted async jobs to the worker function through the jobs topic: the topic's FC trigger
 * invokes the worker with `{"jobId":"..."}`, and MNS retries with back-off if the worker fails.
 */
import type MNSClient from '@alicloud/mns';
import { Errors } from '../../core/errors';
import type { JobDispatcher } from '../../core/ports';
import { createMnsClient, messageParams, toMnsError, type MnsConnectionOptions } from '../notify/mns-client';

export interface MnsDispatcherOptions extends MnsConnectionOptions {
  /** The jobs topic (`SNAPSHOT_JOBS_TOPIC`). */
  readonly topic: string;
}

export class MnsDispatcher implements JobDispatcher {
  private readonly client: MNSClient;
  private readonly topic: string;

  constructor(options: MnsDispatcherOptions) {
    this.client = createMnsClient(options);
    this.topic = options.topic;
  }

  async dispatch(jobId: string): Promise<void> {
    try {
      await this.client.publishMessage(this.topic, messageParams(JSON.stringify({ jobId })));
    } catch (err) {
      const e = toMnsError(err);
      throw Errors.serviceUnavailable(`the job could not be queued on topic "${this.topic}" (${e.code}: ${e.message})`);
    }
  }
}
