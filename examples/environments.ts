/**
 * What differs between environments: region, where Terraform keeps its state, and sizing.
 * dev is small and cheap to leave running; prod is sized for 1080p traffic with bounded fan-out.
 */
import type { SnapshotPipelineProps } from '../lib';

export interface EnvironmentConfig {
  readonly name: string;
  readonly region: string;
  /** An existing OSS bucket holding Terraform state (create it once, by hand or in a bootstrap stack). */
  readonly stateBucket: string;
  /** Sizing and retention; everything else keeps the construct's defaults. */
  readonly pipeline: Partial<Omit<SnapshotPipelineProps, 'apiAccessKeys'>>;
}

export const ENVIRONMENTS: EnvironmentConfig[] = [
  {
    name: 'dev',
    region: 'cn-hangzhou',
    stateBucket: 'acme-terraform-state-dev',
    pipeline: {
      apiMemoryMb: 1024,
      apiCpu: 0.5,
      workerMemoryMb: 2048,
      workerCpu: 1,
      workerMaxInstances: 2,
      outputExpirationDays: 7,
      jobRecordExpirationDays: 7,
      logRetentionDays: 7,
      forceDestroy: true,
    },
  },
  {
    name: 'prod',
    region: 'cn-shanghai',
    stateBucket: 'acme-terraform-state-prod',
    pipeline: {
      apiMemoryMb: 2048,
      apiCpu: 1,
      apiInstanceConcurrency: 8,
      apiMaxInstances: 50,
      workerMemoryMb: 8192,
      workerCpu: 4,
      workerDiskMb: 10240,
      workerMaxInstances: 20,
      workerTimeoutSeconds: 3600,
      versioned: true,
      logRetentionDays: 90,
      tags: { environment: 'prod', service: 'video-snapshots' },
    },
  },
];
