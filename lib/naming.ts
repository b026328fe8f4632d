/**
 * Names and identity of a pipeline: the PipelineId the runtime recognises and the prefix every
 * resource name starts with. Both derive from the construct path, so they are stable across
 * synths and differ between two pipelines in one stack.
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { Token } from 'cdktf';

/** 32 lower-case hex, the shape of an MPS pipeline id, derived from the construct path. */
export function derivePipelineId(scope: Construct): string {
  return createHash('sha256').update(`snapshot-pipeline:${scope.node.path}`).digest('hex').slice(0, 32);
}

/**
 * A readable, unique default prefix: the construct id, lower-cased and cut to fit, plus six hex
 * characters of the pipeline id so that `Snapshots` in two stacks (or two scopes) never clash.
 */
export function defaultNamePrefix(scope: Construct, pipelineId: string): string {
  const readable = scope.node.id
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 14)
    .replace(/-+$/, '');
  return `${readable || 'snap'}-${pipelineId.slice(0, 6)}`;
}

export const isToken = (value: unknown): boolean => value !== undefined && value !== null && Token.isUnresolved(value);

/**
 * OSS bucket naming rules: 3 to 63 characters of lower-case letters, digits and hyphens, starting
 * and ending with a letter or digit. Returns the problem, or undefined when the name is fine.
 */
export function ossBucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `must be 3..63 characters long, got ${name.length}`;
  if (!/^[a-z0-9-]+$/.test(name)) return 'may contain only lower-case letters, digits and hyphens';
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return 'must start and end with a lower-case letter or digit';
  return undefined;
}

/** Longest prefix that keeps every derived name within the limits of OSS, SLS, MNS, FC and RAM. */
export const MAX_NAME_PREFIX = 24;

export function namePrefixProblem(prefix: string): string | undefined {
  if (prefix.length < 3 || prefix.length > MAX_NAME_PREFIX) return `must be 3..${MAX_NAME_PREFIX} characters long, got ${prefix.length}`;
  if (!/^[a-z][a-z0-9-]*[a-z0-9]$/.test(prefix)) {
    return 'must start with a lower-case letter, end with a letter or digit and contain only lower-case letters, digits and hyphens';
  }
  return undefined;
}
