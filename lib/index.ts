// The public surface of the construct library.
export { SnapshotPipeline, validateProps } from './snapshot-pipeline';
export type { SnapshotPipelineProps } from './snapshot-pipeline';
export { SnapshotStorage, HardenedBucket, denyInsecureTransportPolicy } from './storage';
export type { SnapshotStorageProps, HardenedBucketProps, BucketEncryption } from './storage';
export { ServiceRole, RoleGrant, functionStatements, arn } from './access';
export type { IRamRoleRef, PolicyStatement, FunctionRoleProps } from './access';
export { SnapshotMessaging } from './messaging';
export type { SnapshotMessagingProps } from './messaging';
export { SnapshotCompute, SnapshotLogs, defaultLayerArns, RUNTIME, RUNTIME_PORT, NODE_BINARY } from './compute';
export type { SnapshotComputeProps, SnapshotLogsProps, FunctionSizing } from './compute';
export { RuntimeBundle, bundleRuntime, defaultEntry, defaultCodeDirectory, SHIPPED_CODE_DIRECTORY } from './runtime-bundle';
export type { RuntimeBundleProps } from './runtime-bundle';
export { derivePipelineId, ossBucketNameProblem } from './naming';
