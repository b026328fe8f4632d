import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { SnapshotPipeline } from '../../lib';
import { ACCOUNT, KEYS, policyOf, ref, resource, resources, synthPipeline, testingApp, Tf } from './synth';

const bucketRef = (tf: any, which: 'Input' | 'Output') => ref(tf, 'alicloud_oss_bucket', `Storage/${which}/Bucket`, 'bucket');

describe('created buckets are hardened', () => {
  test.each(['Input', 'Output'] as const)('%s bucket: private ACL, AES256 at rest, public access blocked', (which) => {
    const { tf } = synthPipeline({ accountId: ACCOUNT });
    const bucket = bucketRef(tf, which);
    expect(resource(tf, 'alicloud_oss_bucket', `Storage/${which}/Bucket`)).not.toHaveProperty('acl');
    expect(resource(tf, 'alicloud_oss_bucket_acl', `Storage/${which}/Acl`)).toMatchObject({ bucket, acl: 'private' });
    const sse = resource(tf, 'alicloud_oss_bucket_server_side_encryption', `Storage/${which}/Encryption`);
    expect(sse).toMatchObject({ bucket, sse_algorithm: 'AES256' });
    expect(sse).not.toHaveProperty('kms_master_key_id');
    expect(resource(tf, 'alicloud_oss_bucket_public_access_block', `Storage/${which}/PublicAccessBlock`)).toMatchObject({ bucket, block_public_access: true });
  });

  test.each(['Input', 'Output'] as const)('%s bucket: the bucket policy denies every request not made over HTTPS', (which) => {
    const { tf } = synthPipeline({ accountId: ACCOUNT });
    const bucket = bucketRef(tf, which);
    const policy = resource(tf, 'alicloud_oss_bucket_policy', `Storage/${which}/Policy`);
    expect(policy.bucket).toBe(bucket);
    expect(JSON.parse(policy.policy)).toEqual({
      Version: '1',
      Statement: [
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: ['*'],
          Action: ['oss:*'],
          Resource: [`acs:oss:*:${ACCOUNT}:${bucket}`, `acs:oss:*:${ACCOUNT}:${bucket}/*`],
          Condition: { Bool: { 'acs:SecureTransport': ['false'] } },
        },
      ],
    });
  });

  test('KMS encryption with a key of your own', () => {
    const { tf } = synthPipeline({ encryption: 'KMS', kmsKeyId: 'key-hzz1234567890' });
    for (const [, sse] of resources(tf, 'alicloud_oss_bucket_server_side_encryption')) {
      expect(sse).toMatchObject({ sse_algorithm: 'KMS', kms_master_key_id: 'key-hzz1234567890' });
    }
  });

  test('default lifecycle: incomplete uploads aborted after 7 days, snapshots are kept', () => {
    const { tf } = synthPipeline();
    const output = resource(tf, 'alicloud_oss_bucket', 'Storage/Output/Bucket');
    expect(output.lifecycle_rule).toEqual([{ id: 'abort-incomplete-multipart-uploads', enabled: true, abort_multipart_upload: [{ days: 7 }] }]);
    expect(output).not.toHaveProperty('lifecycle_rule_allow_same_action_overlap');
    expect(resource(tf, 'alicloud_oss_bucket', 'Storage/Input/Bucket').lifecycle_rule).toEqual([
      { id: 'abort-incomplete-multipart-uploads', enabled: true, abort_multipart_upload: [{ days: 7 }] },
    ]);
    expect(resources(tf, 'alicloud_oss_bucket_versioning')).toHaveLength(0);
    expect(output.force_destroy).toBe(false);
  });

  test('output expiry, input expiry and versioning are props', () => {
    const { tf } = synthPipeline({ outputExpirationDays: 30, inputExpirationDays: 3, versioned: true, noncurrentVersionExpirationDays: 5 });
    const output = resource(tf, 'alicloud_oss_bucket', 'Storage/Output/Bucket');
    expect(output.lifecycle_rule).toEqual([
      { id: 'abort-incomplete-multipart-uploads', enabled: true, abort_multipart_upload: [{ days: 7 }] },
      { id: 'expire-noncurrent-versions', enabled: true, noncurrent_version_expiration: [{ days: 5 }] },
      { id: 'expire-outputs', enabled: true, expiration: [{ days: 30 }] },
    ]);
    // Job records live in Tablestore (their expiry is the table's TTL): no rule of theirs here.
    expect(output.lifecycle_rule_allow_same_action_overlap).toBeUndefined();
    expect(resource(tf, 'alicloud_oss_bucket', 'Storage/Input/Bucket').lifecycle_rule).toContainEqual({ id: 'expire-inputs', enabled: true, expiration: [{ days: 3 }] });
    for (const which of ['Input', 'Output']) {
      expect(resource(tf, 'alicloud_oss_bucket_versioning', `Storage/${which}/Versioning`)).toMatchObject({ bucket: bucketRef(tf, which as 'Input'), status: 'Enabled' });
    }
  });

  test('given bucket names are used for created buckets', () => {
    const { tf, pipeline } = synthPipeline({ inputBucketName: 'acme-videos-in', outputBucketName: 'acme-thumbs-out' });
    expect(resource(tf, 'alicloud_oss_bucket', 'Storage/Input/Bucket').bucket).toBe('acme-videos-in');
    expect(resource(tf, 'alicloud_oss_bucket', 'Storage/Output/Bucket').bucket).toBe('acme-thumbs-out');
    expect(Object.entries(tf.output).find(([k]) => k.includes('input_bucket'))![1].value).toBe(bucketRef(tf, 'Input'));
    expect(pipeline.storage.inputBucket?.bucket.node.path).toMatch(/Storage\/Input\/Bucket$/);
  });
});

describe('existing buckets', () => {
  test('are referenced by name and left untouched: no bucket, ACL, encryption, policy or lifecycle resources', () => {
    const { tf, pipeline } = synthPipeline({ accountId: ACCOUNT, existingInputBucketName: 'legacy-videos', existingOutputBucketName: 'legacy-thumbs' });
    for (const t of ['alicloud_oss_bucket', 'alicloud_oss_bucket_acl', 'alicloud_oss_bucket_server_side_encryption', 'alicloud_oss_bucket_public_access_block', 'alicloud_oss_bucket_policy', 'alicloud_oss_bucket_versioning']) {
      expect(resources(tf, t)).toHaveLength(0);
    }
    expect(pipeline.inputBucketName).toBe('legacy-videos');
    expect(pipeline.outputBucketName).toBe('legacy-thumbs');
    const env = resource(tf, 'alicloud_fcv3_function', 'Compute/Api').environment_variables;
    expect([env.SNAPSHOT_INPUT_BUCKET, env.SNAPSHOT_OUTPUT_BUCKET]).toEqual(['legacy-videos', 'legacy-thumbs']);
    expect(policyOf(tf, 'FunctionRole/Policy').Statement[0].Resource).toEqual([`acs:oss:*:${ACCOUNT}:legacy-videos/*`]);
    const outputs = Object.entries(tf.output).filter(([k]) => /input_bucket|output_bucket/.test(k)).map(([, o]) => o.value).sort();
    expect(outputs).toEqual(['legacy-thumbs', 'legacy-videos']);
  });

  test('can be mixed: an existing input bucket with a created, hardened output bucket', () => {
    const { tf } = synthPipeline({ existingInputBucketName: 'legacy-videos' });
    expect(resources(tf, 'alicloud_oss_bucket').map(([id]) => id)).toEqual([expect.stringMatching(/^Snapshots_Storage_Output_Bucket_[0-9A-F]{8}$/)]);
    expect(resources(tf, 'alicloud_oss_bucket_acl')).toHaveLength(1);
    expect(resource(tf, 'alicloud_fcv3_function', 'Compute/Worker').environment_variables.SNAPSHOT_INPUT_BUCKET).toBe('legacy-videos');
  });

  test('bucket names that are tokens are not validated at synth time', () => {
    const app = testingApp();
    const stack = new TerraformStack(app, 'tokens');
    const name = new TerraformVariable(stack, 'input_bucket', { type: 'string' });
    const p = new SnapshotPipeline(stack, 'Snapshots', { apiAccessKeys: KEYS, existingInputBucketName: name.stringValue });
    const tf: Tf = JSON.parse(Testing.synth(stack));
    expect(resource(tf, 'alicloud_fcv3_function', 'Compute/Api').environment_variables.SNAPSHOT_INPUT_BUCKET).toBe('${var.input_bucket}');
    expect(Object.entries(tf.output).find(([k]) => k.includes('input_bucket'))![1].value).toBe('${var.input_bucket}');
    expect(p.storage.inputBucket).toBeUndefined();
  });
});
