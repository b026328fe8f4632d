/**
 * Checks synthesized stacks against the provider schema kept in this repository
 * (provider-schema/alicloud-1.283.0.json); what it checks is described in stack-schema.ts.
 *
 * Usage: npm run check:stacks [-- <cdk.tf.json | folder>...]
 *   Folders are searched for cdk.tf.json files; the default is $CDKTF_OUTDIR, else cdktf.out.
 *   ALICLOUD_SCHEMA=<file> checks against another schema file.
 * Prints one line per problem (`<file>: <where>: <what>`) and a summary; exits 1 on any problem,
 * 2 when there is nothing to check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkStack, formatProblem, loadProviderSchema } from './stack-schema';

const projectRoot = path.resolve(__dirname, '..');
export const SCHEMA_FILE = path.join(projectRoot, 'provider-schema', 'alicloud-1.283.0.json');

function stackFiles(target: string): string[] {
  if (!fs.existsSync(target)) return [];
  if (fs.statSync(target).isFile()) return [target];
  return fs
    .readdirSync(target, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? (e.name === 'node_modules' ? [] : stackFiles(path.join(target, e.name))) : e.name === 'cdk.tf.json' ? [path.join(target, e.name)] : []));
}

function main(): number {
  const targets = process.argv.slice(2);
  if (targets.length === 0) targets.push(process.env.CDKTF_OUTDIR || 'cdktf.out');
  const schemaFile = process.env.ALICLOUD_SCHEMA ? path.resolve(process.env.ALICLOUD_SCHEMA) : SCHEMA_FILE;
  const schema = loadProviderSchema(JSON.parse(fs.readFileSync(schemaFile, 'utf8')), 'registry.terraform.io/aliyun/alicloud');
  const files = targets.flatMap(stackFiles);
  if (files.length === 0) {
    console.error(`No cdk.tf.json in ${targets.join(', ')}: synthesize first (npm run synth).`);
    return 2;
  }
  let problems = 0;
  let resources = 0;
  let dataSources = 0;
  const skipped = new Set<string>();
  for (const file of files) {
    const report = checkStack(JSON.parse(fs.readFileSync(file, 'utf8')), schema);
    for (const p of report.problems) console.log(`${path.relative(process.cwd(), file)}: ${formatProblem(p)}`);
    problems += report.problems.length;
    resources += report.resources;
    dataSources += report.dataSources;
    report.skippedTypes.forEach((t) => skipped.add(t));
  }
  if (skipped.size) console.log(`not checked (not in ${path.basename(schemaFile)}): ${[...skipped].sort().join(', ')}`);
  console.log(`${files.length} stack(s), ${resources} resource(s), ${dataSources} data source(s), ${problems} problem(s) against ${path.basename(schemaFile)}`);
  return problems ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
}
