/**
 * Checks a synthesized stack (`cdk.tf.json`) against a provider schema in the
 * `terraform providers schema -json` format: what `terraform validate` would reject, or what would
 * fight at apply time, found without Terraform or the provider binary.
 *
 * Pure: a parsed schema and a parsed stack in, problems out (the CLI is check-stack-schema.ts).
 *
 * What is checked, for resources, data sources and the provider's own configuration blocks:
 * - `unknown-type`: a resource or data source type of the schema's provider that it does not have;
 * - `unknown-argument`: an argument or nested block the schema does not have;
 * - `missing-argument`: a required argument not set (or set to null);
 * - `computed-only`: an attribute only the provider sets (computed, neither optional nor required);
 * - `type`: a literal that does not convert to the attribute's type, element by element for
 *   list/set/map/object/tuple types (Terraform's conversions apply: `"5"` is a number, `5` a string);
 *   a block that is not an object;
 * - `block-count`: fewer or more nested blocks than `min_items`/`max_items`;
 * - `deprecated`: a deprecated resource, data source, argument or block;
 * - `conflict`: arguments that must not be set together. The schema JSON does not say which these
 *   are (no `conflicts_with`), so the project decides, in the two tables below, and checks:
 *   a deprecated argument set together with the argument that replaced it (REPLACED_ARGUMENTS);
 *   an inline setting of a resource set while a separate resource manages the same setting of the
 *   same parent (SPLIT_SETTINGS: the two overwrite each other on every apply); two such separate
 *   resources for one parent; and `count` together with `for_each`;
 * - `meta`: meta-arguments Terraform would reject: `depends_on` naming something not in the stack,
 *   `provider` naming an alias that is not configured, unknown `lifecycle` keys.
 *
 * Values Terraform only knows at plan time (strings holding `${...}`) are not type-checked. Types
 * of other providers (no `alicloud_` prefix) are not checked and are reported as skipped.
 */

export type AttributeType = string | [string, ...unknown[]];

export interface SchemaAttribute {
  readonly type?: AttributeType;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly deprecated?: boolean;
}

export interface SchemaBlock {
  readonly attributes?: Record<string, SchemaAttribute>;
  readonly block_types?: Record<string, SchemaBlockType>;
  readonly deprecated?: boolean;
}

export interface SchemaBlockType {
  readonly nesting_mode: 'single' | 'group' | 'list' | 'set' | 'map';
  readonly block: SchemaBlock;
  readonly min_items?: number;
  readonly max_items?: number;
}

/** One provider of a schema document, indexed for checking. */
export interface ProviderSchema {
  /** The local name stacks use: `alicloud` for registry.terraform.io/aliyun/alicloud. */
  readonly name: string;
  readonly provider: SchemaBlock;
  readonly resources: Record<string, { block: SchemaBlock }>;
  readonly dataSources: Record<string, { block: SchemaBlock }>;
}

export type ProblemKind =
  | 'unknown-type'
  | 'unknown-argument'
  | 'missing-argument'
  | 'computed-only'
  | 'type'
  | 'block-count'
  | 'deprecated'
  | 'conflict'
  | 'meta';

export interface Problem {
  readonly kind: ProblemKind;
  /** Where, in Terraform's terms: `resource.<type>.<name>.<argument>[<index>]...`. */
  readonly path: string;
  readonly message: string;
}

export interface StackReport {
  readonly problems: Problem[];
  readonly resources: number;
  readonly dataSources: number;
  /** Types of other providers, which this schema cannot check. */
  readonly skippedTypes: string[];
}

/**
 * A deprecated argument and the one that replaced it: set together, the provider rejects the pair
 * (`ConflictsWith` in its source for the RAM resources) or silently uses one of them.
 */
export const REPLACED_ARGUMENTS: Record<string, readonly (readonly [deprecated: string, replacement: string])[]> = {
  alicloud_ram_role: [
    ['name', 'role_name'],
    ['document', 'assume_role_policy_document'],
    ['services', 'assume_role_policy_document'],
    ['ram_users', 'assume_role_policy_document'],
    ['version', 'assume_role_policy_document'],
  ],
  alicloud_ram_policy: [
    ['name', 'policy_name'],
    ['document', 'policy_document'],
    ['statement', 'policy_document'],
    ['version', 'policy_document'],
  ],
  alicloud_log_project: [['name', 'project_name']],
  alicloud_log_store: [
    ['name', 'logstore_name'],
    ['project', 'project_name'],
  ],
  alicloud_message_service_topic: [['logging_enabled', 'enable_logging']],
};

/**
 * Settings a parent resource can hold inline and a separate resource can manage too. Each
 * separate resource names its parent in `link`; one parent, one manager per setting.
 */
export const SPLIT_SETTINGS: readonly { parent: string; link: string; settings: Record<string, string> }[] = [
  {
    parent: 'alicloud_oss_bucket',
    link: 'bucket',
    settings: {
      acl: 'alicloud_oss_bucket_acl',
      policy: 'alicloud_oss_bucket_policy',
      versioning: 'alicloud_oss_bucket_versioning',
      server_side_encryption_rule: 'alicloud_oss_bucket_server_side_encryption',
      cors_rule: 'alicloud_oss_bucket_cors',
      logging: 'alicloud_oss_bucket_logging',
      logging_isenable: 'alicloud_oss_bucket_logging',
      referer_config: 'alicloud_oss_bucket_referer',
      website: 'alicloud_oss_bucket_website',
      transfer_acceleration: 'alicloud_oss_bucket_transfer_acceleration',
      access_monitor: 'alicloud_oss_bucket_access_monitor',
    },
  },
];

/** Separate resources of which a parent may have only one (beyond those in SPLIT_SETTINGS). */
const ONE_PER_PARENT_EXTRA = ['alicloud_oss_bucket_public_access_block'];

const RESOURCE_META = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection']);
const DATA_META = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle']);
const PROVIDER_META = new Set(['alias', 'version']);
const LIFECYCLE_KEYS = new Set(['create_before_destroy', 'prevent_destroy', 'ignore_changes', 'replace_triggered_by', 'precondition', 'postcondition']);
/** Terraform JSON's comment key, which cdktf uses for construct metadata. */
const COMMENT = '//';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Reads provider `registryKey` (default: the document's only provider) from a schema document. */
export function loadProviderSchema(doc: unknown, registryKey?: string): ProviderSchema {
  const providers = (doc as { provider_schemas?: Record<string, any> })?.provider_schemas;
  if (!providers || typeof providers !== 'object') throw new Error('not a provider schema document: no provider_schemas');
  const keys = Object.keys(providers);
  const key = registryKey ?? (keys.length === 1 ? keys[0] : undefined);
  if (!key || !providers[key]) throw new Error(`provider schema ${registryKey ?? '(one provider)'} not found; the document has ${keys.join(', ') || 'none'}`);
  const p = providers[key];
  return {
    name: key.split('/').pop()!,
    provider: p.provider?.block ?? {},
    resources: p.resource_schemas ?? {},
    dataSources: p.data_source_schemas ?? {},
  };
}

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A value Terraform computes at plan time: a template string with an interpolation. */
const isExpression = (v: unknown): boolean => typeof v === 'string' && v.includes('${');

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (isObject(v)) return 'an object';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

export function typeName(t: AttributeType): string {
  if (typeof t === 'string') return t;
  const [kind, inner] = t;
  if (kind === 'list' || kind === 'set' || kind === 'map') return `${kind} of ${typeName(inner as AttributeType)}`;
  return kind;
}

/** Problems of `value` against type `t`; Terraform's implicit conversions between primitives apply. */
function checkValue(t: AttributeType | undefined, value: Json, where: string, out: Problem[]): void {
  if (t === undefined || t === 'dynamic' || value === null || isExpression(value)) return;
  const bad = (): void => {
    out.push({ kind: 'type', path: where, message: `expected ${typeName(t)}, got ${describe(value)}` });
  };
  if (typeof t === 'string') {
    if (t === 'string') {
      if (typeof value === 'object') bad();
    } else if (t === 'number') {
      const ok = typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)));
      if (!ok) bad();
    } else if (t === 'bool') {
      const ok = typeof value === 'boolean' || value === 'true' || value === 'false';
      if (!ok) bad();
    }
    return;
  }
  const [kind, inner, optional] = t;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(value)) return bad();
    value.forEach((v, i) => checkValue(inner as AttributeType, v, `${where}[${i}]`, out));
  } else if (kind === 'map') {
    if (!isObject(value)) return bad();
    for (const [k, v] of Object.entries(value)) checkValue(inner as AttributeType, v, `${where}.${k}`, out);
  } else if (kind === 'object') {
    if (!isObject(value)) return bad();
    const fields = inner as Record<string, AttributeType>;
    const optionalFields = new Set((optional as string[] | undefined) ?? []);
    for (const [k, v] of Object.entries(value)) {
      if (k === COMMENT) continue;
      if (!(k in fields)) out.push({ kind: 'type', path: `${where}.${k}`, message: `not an attribute of this object (it has ${Object.keys(fields).join(', ')})` });
      else checkValue(fields[k], v, `${where}.${k}`, out);
    }
    for (const k of Object.keys(fields)) if (!(k in value) && !optionalFields.has(k)) out.push({ kind: 'type', path: where, message: `object is missing attribute "${k}"` });
  } else if (kind === 'tuple') {
    const elems = inner as AttributeType[];
    if (!Array.isArray(value) || value.length !== elems.length) return bad();
    value.forEach((v, i) => checkValue(elems[i], v, `${where}[${i}]`, out));
  }
}

/** The block bodies of one nested block type as written: an object, or a list of them. */
function blockItems(value: Json): Json[] {
  return Array.isArray(value) ? value : [value];
}

function checkBlock(block: SchemaBlock, body: Json, where: string, meta: ReadonlySet<string>, out: Problem[]): void {
  if (!isObject(body)) {
    out.push({ kind: 'type', path: where, message: `expected a block (an object), got ${describe(body)}` });
    return;
  }
  const attrs = block.attributes ?? {};
  const blocks = block.block_types ?? {};
  const dynamic = isObject(body.dynamic) ? body.dynamic : {};
  for (const [name, value] of Object.entries(body)) {
    if (name === COMMENT || meta.has(name)) continue;
    const path = `${where}.${name}`;
    if (name === 'dynamic' && !attrs.dynamic && !blocks.dynamic) {
      for (const [dyn, spec] of Object.entries(dynamic)) {
        const bt = blocks[dyn];
        if (!bt) out.push({ kind: 'unknown-argument', path: `${path}.${dyn}`, message: `dynamic block of unknown block type "${dyn}"` });
        else if (isObject(spec) && spec.content !== undefined) checkBlock(bt.block, spec.content, `${path}.${dyn}.content`, new Set(), out);
      }
      continue;
    }
    const attr = attrs[name];
    if (attr) {
      if (attr.deprecated) out.push({ kind: 'deprecated', path, message: 'deprecated argument' });
      if (attr.computed && !attr.optional && !attr.required) out.push({ kind: 'computed-only', path, message: 'computed by the provider; it cannot be set' });
      checkValue(attr.type, value, path, out);
      continue;
    }
    const bt = blocks[name];
    if (!bt) {
      out.push({ kind: 'unknown-argument', path, message: 'unknown argument or block' });
      continue;
    }
    if (bt.block.deprecated) out.push({ kind: 'deprecated', path, message: 'deprecated block' });
    if (typeof value === 'string') {
      out.push({ kind: 'type', path, message: `a block cannot be ${isExpression(value) ? 'an expression' : 'a string'}; write it as an object, or as a dynamic block` });
      continue;
    }
    if (bt.nesting_mode === 'map') {
      if (!isObject(value)) out.push({ kind: 'type', path, message: `expected blocks by label (an object), got ${describe(value)}` });
      else for (const [label, item] of Object.entries(value)) checkBlock(bt.block, item, `${path}.${label}`, new Set(), out);
      continue;
    }
    const items = blockItems(value);
    items.forEach((item, i) => checkBlock(bt.block, item, Array.isArray(value) ? `${path}[${i}]` : path, new Set(), out));
  }
  for (const [name, attr] of Object.entries(attrs)) {
    if (attr.required && (body[name] === undefined || body[name] === null)) out.push({ kind: 'missing-argument', path: where, message: `missing required argument "${name}"` });
  }
  for (const [name, bt] of Object.entries(blocks)) {
    if (name in dynamic) continue; // generated at plan time: its count is not known here
    const value = body[name];
    const n = value === undefined || value === null ? 0 : bt.nesting_mode === 'map' && isObject(value) ? Object.keys(value).length : blockItems(value).length;
    const max = bt.max_items ?? (bt.nesting_mode === 'single' || bt.nesting_mode === 'group' ? 1 : undefined);
    if (bt.min_items && n < bt.min_items) out.push({ kind: 'block-count', path: where, message: `block "${name}" is needed at least ${bt.min_items} time(s), found ${n}` });
    if (max !== undefined && n > max) out.push({ kind: 'block-count', path: `${where}.${name}`, message: `at most ${max} block(s) allowed, found ${n}` });
  }
}

interface Instance {
  section: 'resource' | 'data';
  type: string;
  name: string;
  body: Record<string, Json>;
  path: string;
}

function checkMeta(inst: Instance, known: Set<string>, aliases: Set<string>, provider: string, out: Problem[]): void {
  const { body, path } = inst;
  if (body.count !== undefined && body.for_each !== undefined) out.push({ kind: 'conflict', path, message: 'count and for_each cannot both be set' });
  if (body.depends_on !== undefined) {
    if (!Array.isArray(body.depends_on)) out.push({ kind: 'meta', path: `${path}.depends_on`, message: `expected a list of references, got ${describe(body.depends_on)}` });
    else
      body.depends_on.forEach((ref, i) => {
        const target = typeof ref === 'string' ? ref.replace(/^\$\{(.*)\}$/, '$1') : undefined;
        if (target?.startsWith('module.')) return;
        if (target === undefined || !known.has(target.split('.').slice(0, target.startsWith('data.') ? 3 : 2).join('.')))
          out.push({ kind: 'meta', path: `${path}.depends_on[${i}]`, message: `${describe(ref)} is not a resource or data source of this stack` });
      });
  }
  if (body.provider !== undefined) {
    const ref = typeof body.provider === 'string' ? body.provider.replace(/^\$\{(.*)\}$/, '$1') : '';
    const [local, alias] = ref.split('.');
    // Without an alias it is the default configuration, which Terraform supplies even when empty.
    const ok = local === provider && (alias === undefined || aliases.has(alias));
    if (!ok) out.push({ kind: 'meta', path: `${path}.provider`, message: `${describe(body.provider)} names no ${provider} provider configuration of this stack` });
  }
  if (body.lifecycle !== undefined) {
    if (!isObject(body.lifecycle)) out.push({ kind: 'meta', path: `${path}.lifecycle`, message: `expected an object, got ${describe(body.lifecycle)}` });
    else for (const k of Object.keys(body.lifecycle)) if (!LIFECYCLE_KEYS.has(k) && k !== COMMENT) out.push({ kind: 'meta', path: `${path}.lifecycle.${k}`, message: 'unknown lifecycle argument' });
  }
}

/** Which parent instance a literal or `${type.name.attr}` value points at. */
function parentOf(value: Json, parentType: string, literals: Map<string, string>): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ref = new RegExp(`^\\$\\{${parentType}\\.([^.}]+)\\.[^}]+\\}$`).exec(value);
  if (ref) return ref[1];
  return isExpression(value) ? undefined : literals.get(value);
}

function checkConflicts(instances: Instance[], out: Problem[]): void {
  for (const inst of instances) {
    if (inst.section !== 'resource') continue;
    for (const [old, replacement] of REPLACED_ARGUMENTS[inst.type] ?? []) {
      if (inst.body[old] !== undefined && inst.body[replacement] !== undefined)
        out.push({ kind: 'conflict', path: `${inst.path}.${old}`, message: `conflicts with "${replacement}", which replaced it: set only "${replacement}"` });
    }
  }
  for (const rule of SPLIT_SETTINGS) {
    const parents = instances.filter((i) => i.section === 'resource' && i.type === rule.parent);
    const literals = new Map<string, string>();
    for (const p of parents) if (typeof p.body[rule.link] === 'string' && !isExpression(p.body[rule.link])) literals.set(p.body[rule.link] as string, p.name);
    const managers = new Set([...Object.values(rule.settings), ...ONE_PER_PARENT_EXTRA]);
    // parent name -> separate resource type -> the instances of it pointing at that parent
    const byParent = new Map<string, Map<string, Instance[]>>();
    for (const inst of instances) {
      if (inst.section !== 'resource' || !managers.has(inst.type)) continue;
      const parent = parentOf(inst.body[rule.link], rule.parent, literals);
      if (parent === undefined) continue;
      const types = byParent.get(parent) ?? new Map<string, Instance[]>();
      types.set(inst.type, [...(types.get(inst.type) ?? []), inst]);
      byParent.set(parent, types);
    }
    for (const p of parents) {
      const types = byParent.get(p.name);
      if (!types) continue;
      for (const [setting, manager] of Object.entries(rule.settings)) {
        const m = types.get(manager);
        if (p.body[setting] !== undefined && m)
          out.push({ kind: 'conflict', path: `${p.path}.${setting}`, message: `conflicts with ${manager}.${m[0].name}, which manages the same setting of this ${rule.parent}: keep one of the two` });
      }
      for (const [type, list] of types)
        for (const extra of list.slice(1))
          out.push({ kind: 'conflict', path: extra.path, message: `${rule.parent}.${p.name} already has ${type}.${list[0].name}: one per ${rule.parent}` });
    }
  }
}

/** Checks one parsed `cdk.tf.json` (or any Terraform JSON configuration) against `schema`. */
export function checkStack(stack: unknown, schema: ProviderSchema): StackReport {
  const out: Problem[] = [];
  const skipped = new Set<string>();
  if (!isObject(stack)) return { problems: [{ kind: 'type', path: '', message: `expected a Terraform JSON object, got ${describe(stack)}` }], resources: 0, dataSources: 0, skippedTypes: [] };
  const prefix = `${schema.name}_`;

  // Provider configurations: every alias once; the default one is the entry without alias.
  const aliases = new Set<string>();
  const configs = isObject(stack.provider) ? stack.provider[schema.name] : undefined;
  if (configs !== undefined) {
    blockItems(configs).forEach((cfg, i) => {
      const path = Array.isArray(configs) ? `provider.${schema.name}[${i}]` : `provider.${schema.name}`;
      const alias = isObject(cfg) && typeof cfg.alias === 'string' ? cfg.alias : '';
      if (aliases.has(alias)) out.push({ kind: 'conflict', path, message: alias ? `alias "${alias}" is configured twice` : 'two default configurations (give all but one an alias)' });
      aliases.add(alias);
      checkBlock(schema.provider, cfg, path, PROVIDER_META, out);
    });
  }

  const instances: Instance[] = [];
  for (const section of ['resource', 'data'] as const) {
    const table = stack[section];
    if (!isObject(table)) continue;
    for (const [type, byName] of Object.entries(table)) {
      if (!isObject(byName)) continue;
      for (const [name, body] of Object.entries(byName)) {
        const path = `${section}.${type}.${name}`;
        if (!isObject(body)) out.push({ kind: 'type', path, message: `expected a block (an object), got ${describe(body)}` });
        else instances.push({ section, type, name, body, path });
      }
    }
  }
  const known = new Set(instances.map((i) => (i.section === 'data' ? `data.${i.type}.${i.name}` : `${i.type}.${i.name}`)));

  for (const inst of instances) {
    if (!inst.type.startsWith(prefix)) {
      skipped.add(inst.type);
      continue;
    }
    const kind = inst.section === 'data' ? 'data source' : 'resource';
    const s = (inst.section === 'data' ? schema.dataSources : schema.resources)[inst.type];
    if (!s) {
      out.push({ kind: 'unknown-type', path: inst.path, message: `${kind} type ${inst.type} is not in the provider schema` });
      continue;
    }
    if (s.block.deprecated) out.push({ kind: 'deprecated', path: inst.path, message: `deprecated ${kind} type` });
    checkMeta(inst, known, aliases, schema.name, out);
    checkBlock(s.block, inst.body, inst.path, inst.section === 'data' ? DATA_META : RESOURCE_META, out);
  }
  checkConflicts(instances.filter((i) => i.type.startsWith(prefix)), out);

  return {
    problems: out,
    resources: instances.filter((i) => i.section === 'resource').length,
    dataSources: instances.filter((i) => i.section === 'data').length,
    skippedTypes: [...skipped].sort(),
  };
}

export function formatProblem(p: Problem): string {
  return `${p.path}: ${p.message}`;
}
