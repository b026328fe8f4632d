/**
 * Output object names: the MPS placeholders in `OutputFile.Object` / `TileOutputFile.Object`
 * (spec 3.4) and where the WebVTT track goes.
 *
 * Placeholders arrive raw (`{Count}`) or URL-encoded (`%7BCount%7D`); templates are stored
 * decoded, so only the raw form is seen here. Values:
 *   {ObjectPrefix}  input key up to and including its last `/` (`a/b/` for `a/b/c.flv`, `` for `c.flv`)
 *   {FileName}      input base name without its extension (`c`)
 *   {ExtName}       input extension WITHOUT the dot (`flv`) [GUESS: write `{FileName}.{ExtName}`]
 *   {Count}         1-based snapshot number, 5 digits zero-padded (`00001`)
 *   {TileCount}     1-based sprite number, 5 digits zero-padded
 *   {SnapshotTime}  capture time in integer milliseconds (spec section 0)
 */
import { Errors } from './errors';
import { checkObjectKey } from './object-key';

export const OUTPUT_PLACEHOLDERS = ['ObjectPrefix', 'FileName', 'ExtName', 'Count', 'SnapshotTime'] as const;
export const TILE_PLACEHOLDERS = ['ObjectPrefix', 'FileName', 'ExtName', 'TileCount'] as const;

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

export interface ExpandContext {
  readonly inputKey: string;
  readonly count?: number;
  readonly snapshotTimeMs?: number;
  readonly tileCount?: number;
  /** Names the parameter in errors; defaults to `SnapshotConfig.OutputFile.Object`. */
  readonly parameter?: string;
}

/** The placeholder names a template uses, in order of appearance (duplicates kept). */
export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

export function hasPlaceholder(template: string, name: string): boolean {
  return template.includes(`{${name}}`);
}

/** Splits an input key into the pieces the placeholders stand for. */
export function inputKeyParts(inputKey: string): { objectPrefix: string; fileName: string; extName: string } {
  const slash = inputKey.lastIndexOf('/');
  const objectPrefix = inputKey.slice(0, slash + 1);
  const base = inputKey.slice(slash + 1);
  const dot = base.lastIndexOf('.');
  // A leading dot (".hidden") starts the name, not an extension.
  if (dot <= 0) return { objectPrefix, fileName: base, extName: '' };
  return { objectPrefix, fileName: base.slice(0, dot), extName: base.slice(dot + 1) };
}

export function padCounter(n: number): string {
  return String(n).padStart(5, '0');
}

/**
 * Expands every placeholder. A placeholder whose value the context does not carry
 * (`{Count}` with no count) is an internal error: the request parser only lets through
 * templates whose placeholders the job can fill. The result is checked like any key.
 */
export function expandObjectKey(template: string, ctx: ExpandContext): string {
  const parameter = ctx.parameter ?? 'SnapshotConfig.OutputFile.Object';
  const key = substitute(template, ctx, parameter);
  checkObjectKey(parameter, key);
  return key;
}

function substitute(template: string, ctx: ExpandContext, parameter: string): string {
  const parts = inputKeyParts(ctx.inputKey);
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    switch (name) {
      case 'ObjectPrefix':
        return parts.objectPrefix;
      case 'FileName':
        return parts.fileName;
      case 'ExtName':
        return parts.extName;
      case 'Count':
        if (ctx.count === undefined) throw Errors.internal(`no snapshot number to expand {Count} in ${parameter}`);
        return padCounter(ctx.count);
      case 'TileCount':
        if (ctx.tileCount === undefined) throw Errors.internal(`no sprite number to expand {TileCount} in ${parameter}`);
        return padCounter(ctx.tileCount);
      case 'SnapshotTime':
        if (ctx.snapshotTimeMs === undefined) throw Errors.internal(`no capture time to expand {SnapshotTime} in ${parameter}`);
        return String(Math.round(ctx.snapshotTimeMs));
      default:
        // Unknown names were refused at submit time; anything else left is literal text.
        return whole;
    }
  });
}

/**
 * Where the WebVTT track of a job goes: next to the snapshots, named after the output template
 * with the per-snapshot placeholders (`{Count}`, `{SnapshotTime}`) and the image extension taken
 * out. `{ObjectPrefix}{FileName}{Count}.jpg` for `a/b/c.flv` gives `a/b/c.vtt`; when nothing of
 * the name is left (`thumbs/{Count}.jpg`) the input's file name is used (`thumbs/c.vtt`).
 */
export function vttKeyFor(outputTemplate: string, inputKey: string): string {
  const stripped = outputTemplate.replace(/\{(Count|SnapshotTime|TileCount)\}/g, '');
  const expanded = substitute(stripped, { inputKey }, 'SnapshotConfig.OutputFile.Object');
  const slash = expanded.lastIndexOf('/');
  const dir = expanded.slice(0, slash + 1);
  let base = expanded.slice(slash + 1);
  const dot = base.lastIndexOf('.');
  if (dot >= 0) base = base.slice(0, dot);
  base = base.replace(/[-_.\s]+$/, '');
  if (base === '') base = inputKeyParts(inputKey).fileName || 'snapshots';
  const key = `${dir}${base}.vtt`;
  checkObjectKey('SnapshotConfig.OutputFile.Object', key);
  return key;
}
