/**
 * One environment's platform stack: provider and remote state for its region, the application
 * role that uses the snapshot service, and the SnapshotPipeline composed with it.
 */
import { Construct } from 'constructs';
import { OssBackend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { AlicloudProvider } from '../.gen/providers/alicloud/provider';
import { RamRole } from '../.gen/providers/alicloud/ram-role';
import { SnapshotPipeline } from '../lib';
import type { EnvironmentConfig } from './environments';

export class PlatformStack extends TerraformStack {
  readonly pipeline: SnapshotPipeline;

  constructor(scope: Construct, id: string, env: EnvironmentConfig) {
    super(scope, id);

    new AlicloudProvider(this, 'alicloud', { region: env.region });
    new OssBackend(this, {
      bucket: env.stateBucket,
      prefix: 'platform',
      key: `${id}.tfstate`,
      region: env.region,
      encrypt: true,
      acl: 'private',
    });

    // The keys API callers sign with; set TF_VAR_snapshot_api_keys='[{"accessKeyId":"..","accessKeySecret":".."}]'.
    const apiKeys = new TerraformVariable(this, 'snapshot_api_keys', {
      type: 'string',
      sensitive: true,
      description: 'JSON [{"accessKeyId":"..","accessKeySecret":".."}]: the credentials the snapshot API accepts',
    });

    // The application that submits videos and consumes the notifications, e.g. running on ECS.
    const appRole = new RamRole(this, 'media_app_role', {
      roleName: `${env.name}-media-app`,
      assumeRolePolicyDocument: JSON.stringify({
        Version: '1',
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['ecs.aliyuncs.com'] } }],
      }),
    });

    this.pipeline = new SnapshotPipeline(this, 'Snapshots', {
      ...env.pipeline,
      namePrefix: `${env.name}-snapshots`,
      region: env.region,
      apiAccessKeys: apiKeys.stringValue,
    });
    this.pipeline.grantSubmit(appRole);
    this.pipeline.grantConsumeNotifications(appRole);

    new TerraformOutput(this, 'media_app_role_arn', { value: appRole.arn });
  }
}
