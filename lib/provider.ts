/**
 * The generated aliyun/alicloud 1.283.0 bindings, as `alicloud-snapshot-pipeline/provider`.
 *
 * There is no prebuilt alicloud provider package for cdktf on npm, so the package ships the
 * bindings the construct is built on: a stack configures the provider (and adds resources of its
 * own) with the very classes the construct uses. Only the resources and data sources listed in
 * scripts/generate-provider.ts are generated.
 */
export * from '../.gen/providers/alicloud/oss-bucket';
export * from '../.gen/providers/alicloud/oss-bucket-acl';
export * from '../.gen/providers/alicloud/oss-bucket-server-side-encryption';
export * from '../.gen/providers/alicloud/oss-bucket-public-access-block';
export * from '../.gen/providers/alicloud/oss-bucket-policy';
export * from '../.gen/providers/alicloud/oss-bucket-versioning';
export * from '../.gen/providers/alicloud/ram-role';
export * from '../.gen/providers/alicloud/ram-policy';
export * from '../.gen/providers/alicloud/ram-role-policy-attachment';
export * from '../.gen/providers/alicloud/message-service-topic';
export * from '../.gen/providers/alicloud/message-service-queue';
export * from '../.gen/providers/alicloud/message-service-subscription';
export * from '../.gen/providers/alicloud/fcv3-function';
export * from '../.gen/providers/alicloud/fcv3-trigger';
export * from '../.gen/providers/alicloud/fcv3-async-invoke-config';
export * from '../.gen/providers/alicloud/fcv3-concurrency-config';
export * from '../.gen/providers/alicloud/log-project';
export * from '../.gen/providers/alicloud/log-store';
export * from '../.gen/providers/alicloud/log-store-index';
export * from '../.gen/providers/alicloud/ots-instance';
export * from '../.gen/providers/alicloud/ots-table';
export * from '../.gen/providers/alicloud/ots-secondary-index';
export * from '../.gen/providers/alicloud/data-alicloud-account';
export * from '../.gen/providers/alicloud/data-alicloud-regions';
export * from '../.gen/providers/alicloud/provider';
