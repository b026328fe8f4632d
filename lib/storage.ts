/**
 * The input and output buckets. Each is either created here (private, encrypted, public access
 * blocked, HTTPS only, with lifecycle rules) or an existing bucket that is only referenced: the
 * construct never changes settings of a bucket it did not create.
 */
import { Construct } from 'constructs';
import { OssBucket, OssBucketLifecycleRule } from '../.gen/providers/alicloud/oss-bucket';
import { OssBucketAcl } from '../.gen/providers/alicloud/oss-bucket-acl';
import { OssBucketServerSideEncryption } from '../.gen/providers/alicloud/oss-bucket-server-side-encryption';
import { OssBucketPublicAccessBlock } from '../.gen/providers/alicloud/oss-bucket-public-access-block';
import { OssBucketPolicy } from '../.gen/providers/alicloud/oss-bucket-policy';
import { OssBucketVersioningA } from '../.gen/providers/alicloud/oss-bucket-versioning';

export type BucketEncryption = 'AES256' | 'KMS';

export interface HardenedBucketProps {
  readonly bucketName: string;
  readonly accountId: string;
  readonly encryption: BucketEncryption;
  readonly kmsKeyId?: string;
  readonly versioned: boolean;
  readonly forceDestroy: boolean;
  readonly lifecycleRules: OssBucketLifecycleRule[];
  readonly tags?: Record<string, string>;
}

/** A bucket nobody outside the account can read, that only answers over HTTPS. */
export class HardenedBucket extends Construct {
  readonly bucket: OssBucket;
  readonly bucketName: string;

  constructor(scope: Construct, id: string, props: HardenedBucketProps) {
    super(scope, id);
    // Several expiration rules may cover the same objects; OSS refuses overlapping rules with the
    // same action unless told otherwise.
    const overlap = props.lifecycleRules.filter((r) => r.expiration !== undefined).length > 1;
    this.bucket = new OssBucket(this, 'Bucket', {
      bucket: props.bucketName,
      storageClass: 'Standard',
      forceDestroy: props.forceDestroy,
      lifecycleRule: props.lifecycleRules.length ? props.lifecycleRules : undefined,
      lifecycleRuleAllowSameActionOverlap: overlap ? true : undefined,
      tags: props.tags,
    });
    this.bucketName = this.bucket.bucket;

    // `alicloud_oss_bucket.acl` is deprecated; the split resources are the supported way.
    new OssBucketAcl(this, 'Acl', { bucket: this.bucketName, acl: 'private' });
    new OssBucketServerSideEncryption(this, 'Encryption', {
      bucket: this.bucketName,
      sseAlgorithm: props.encryption,
      kmsMasterKeyId: props.encryption === 'KMS' ? props.kmsKeyId : undefined,
    });
    new OssBucketPublicAccessBlock(this, 'PublicAccessBlock', { bucket: this.bucketName, blockPublicAccess: true });
    new OssBucketPolicy(this, 'Policy', { bucket: this.bucketName, policy: denyInsecureTransportPolicy(this.bucketName, props.accountId) });
    if (props.versioned) new OssBucketVersioningA(this, 'Versioning', { bucket: this.bucketName, status: 'Enabled' });
  }
}

/**
 * Denies every request that does not arrive over TLS. `oss:*` and Principal `*` are deliberate:
 * this is a Deny, so the wildcard narrows access instead of widening it.
 */
export function denyInsecureTransportPolicy(bucketName: string, accountId: string): string {
  return JSON.stringify({
    Version: '1',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: ['*'],
        Action: ['oss:*'],
        Resource: [`acs:oss:*:${accountId}:${bucketName}`, `acs:oss:*:${accountId}:${bucketName}/*`],
        Condition: { Bool: { 'acs:SecureTransport': ['false'] } },
      },
    ],
  });
}

export interface SnapshotStorageProps {
  readonly accountId: string;
  /** Name for a created input bucket (ignored when `existingInputBucketName` is set). */
  readonly inputBucketName: string;
  readonly existingInputBucketName?: string;
  readonly outputBucketName: string;
  readonly existingOutputBucketName?: string;
  readonly encryption: BucketEncryption;
  readonly kmsKeyId?: string;
  readonly versioned: boolean;
  readonly forceDestroy: boolean;
  readonly inputExpirationDays?: number;
  readonly outputExpirationDays?: number;
  readonly noncurrentVersionExpirationDays: number;
  readonly tags?: Record<string, string>;
}

/** Multipart uploads that never complete still bill for their parts; a week is ample to finish one. */
const ABORT_MULTIPART_AFTER_DAYS = 7;

export class SnapshotStorage extends Construct {
  /** The bucket videos are read from. */
  readonly inputBucketName: string;
  /** The bucket snapshots are written to (job records live in Tablestore: job-table.ts). */
  readonly outputBucketName: string;
  /** Undefined when an existing bucket was given. */
  readonly inputBucket?: HardenedBucket;
  readonly outputBucket?: HardenedBucket;

  constructor(scope: Construct, id: string, props: SnapshotStorageProps) {
    super(scope, id);
    const common = {
      accountId: props.accountId,
      encryption: props.encryption,
      kmsKeyId: props.kmsKeyId,
      versioned: props.versioned,
      forceDestroy: props.forceDestroy,
      tags: props.tags,
    };

    if (props.existingInputBucketName !== undefined) {
      this.inputBucketName = props.existingInputBucketName;
    } else {
      this.inputBucket = new HardenedBucket(this, 'Input', {
        ...common,
        bucketName: props.inputBucketName,
        lifecycleRules: baseRules(props, props.inputExpirationDays === undefined ? [] : [expireRule('expire-inputs', props.inputExpirationDays)]),
      });
      this.inputBucketName = this.inputBucket.bucketName;
    }

    if (props.existingOutputBucketName !== undefined) {
      this.outputBucketName = props.existingOutputBucketName;
    } else {
      const expiry: OssBucketLifecycleRule[] = [];
      if (props.outputExpirationDays !== undefined) expiry.push(expireRule('expire-outputs', props.outputExpirationDays));
      this.outputBucket = new HardenedBucket(this, 'Output', { ...common, bucketName: props.outputBucketName, lifecycleRules: baseRules(props, expiry) });
      this.outputBucketName = this.outputBucket.bucketName;
    }
  }
}

function expireRule(id: string, days: number): OssBucketLifecycleRule {
  return { id, enabled: true, expiration: [{ days }] };
}

function baseRules(props: SnapshotStorageProps, extra: OssBucketLifecycleRule[]): OssBucketLifecycleRule[] {
  const rules: OssBucketLifecycleRule[] = [{ id: 'abort-incomplete-multipart-uploads', enabled: true, abortMultipartUpload: [{ days: ABORT_MULTIPART_AFTER_DAYS }] }];
  if (props.versioned) {
    rules.push({ id: 'expire-noncurrent-versions', enabled: true, noncurrentVersionExpiration: [{ days: props.noncurrentVersionExpirationDays }] });
  }
  return [...rules, ...extra];
}
