/**
 * Regenerates the Alibaba Cloud provider bindings in `.gen/providers/alicloud/` offline.
 *
 * There is no `@cdktf/provider-alicloud` on npm and `cdktf get` needs the Terraform registry, so the
 * provider schema is read from `provider-schema/` (a dump of `terraform providers schema -json`
 * for aliyun/alicloud 1.283.0) and fed to @cdktf/provider-generator, which is what `cdktf get` runs.
 * The schema is filtered first to the resources and data sources the construct uses: the full
 * provider would be ~100 MB of TypeScript that every consumer has to compile.
 *
 * The schema is part of this repository (`provider-schema/alicloud-1.283.0.json`: the whole
 * provider, descriptions stripped), so a clone regenerates the bindings from its own contents.
 *
 * Usage: npm run gen:provider  (env ALICLOUD_SCHEMA=<file> to use another schema file)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeMaker } from 'codemaker';
// The package index also loads the jsii-pacmak based ConstructsMaker (not installed, only needed
// for non-TypeScript targets), so the generator is imported from its own module.
import { TerraformProviderGenerator } from '@cdktf/provider-generator/lib/get/generator/provider-generator';
import { ConstructsMakerProviderTarget, Language, ProviderSchema, TerraformProviderConstraint } from '@cdktf/commons';

const PROVIDER = 'aliyun/alicloud@1.283.0';
const REGISTRY_KEY = 'registry.terraform.io/aliyun/alicloud';

/** Everything lib/ and examples/ instantiate. Add a name here before using a new resource. */
export const RESOURCES = [
  'alicloud_oss_bucket',
  'alicloud_oss_bucket_acl',
  'alicloud_oss_bucket_server_side_encryption',
  'alicloud_oss_bucket_public_access_block',
  'alicloud_oss_bucket_policy',
  'alicloud_oss_bucket_versioning',
  'alicloud_ram_role',
  'alicloud_ram_policy',
  'alicloud_ram_role_policy_attachment',
  'alicloud_message_service_topic',
  'alicloud_message_service_queue',
  'alicloud_message_service_subscription',
  'alicloud_fcv3_function',
  'alicloud_fcv3_trigger',
  'alicloud_fcv3_async_invoke_config',
  'alicloud_fcv3_concurrency_config',
  'alicloud_log_project',
  'alicloud_log_store',
  'alicloud_log_store_index',
  'alicloud_ots_instance',
  'alicloud_ots_table',
  'alicloud_ots_secondary_index',
];
export const DATA_SOURCES = ['alicloud_account', 'alicloud_regions'];

const projectRoot = path.resolve(__dirname, '..');
const outDir = path.join(projectRoot, '.gen');

/** The provider schema this project builds against, kept in the repository. */
export const SCHEMA_FILE = path.join(projectRoot, 'provider-schema', 'alicloud-1.283.0.json');

function schemaFile(): string {
  return process.env.ALICLOUD_SCHEMA ? path.resolve(process.env.ALICLOUD_SCHEMA) : SCHEMA_FILE;
}

function pick<T>(all: Record<string, T>, names: string[], kind: string, file: string): Record<string, T> {
  const out: Record<string, T> = {};
  const missing = names.filter((n) => !(n in all));
  if (missing.length) throw new Error(`${file} lacks ${kind}: ${missing.join(', ')}`);
  for (const n of names) out[n] = all[n];
  return out;
}

async function main(): Promise<void> {
  const file = schemaFile();
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  const provider = doc.provider_schemas?.[REGISTRY_KEY];
  if (!provider) throw new Error(`${file} has no provider_schemas["${REGISTRY_KEY}"]`);
  const schema: ProviderSchema = {
    format_version: doc.format_version,
    provider_schemas: {
      [REGISTRY_KEY]: {
        provider: provider.provider,
        resource_schemas: pick(provider.resource_schemas, RESOURCES, 'resources', file),
        data_source_schemas: pick(provider.data_source_schemas, DATA_SOURCES, 'data sources', file),
      },
    },
    provider_versions: { [REGISTRY_KEY]: '1.283.0' },
  };

  const target = path.join(outDir, 'providers', 'alicloud');
  fs.rmSync(target, { recursive: true, force: true });
  const code = new CodeMaker();
  new TerraformProviderGenerator(code, schema).generate(
    ConstructsMakerProviderTarget.from(new TerraformProviderConstraint(PROVIDER), Language.TYPESCRIPT),
  );
  const files = await code.save(outDir);
  console.log(`Generated ${files.length} files for ${RESOURCES.length} resources and ${DATA_SOURCES.length} data sources from ${file} into ${path.relative(projectRoot, target)}/`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
