/**
 * Readers for the loosely typed JSON that MPS clients send inside `Input` and `SnapshotConfig`.
 *
 * MPS documents every value as a string, but the tea SDK passes JSON numbers and booleans through
 * untouched, so each reader accepts both spellings. `null` and `""` count as "not given" for the
 * optional fields: clients that serialise empty model fields send them, and MPS tolerates them.
 * Every error names the full parameter path (`SnapshotConfig.TileOut.Lines`).
 */
import { describeValue } from './describe-value';
import { Errors } from './errors';

export { describeValue } from './describe-value';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when the field is absent in the MPS sense (missing, `null`, or an empty string). */
export function isAbsent(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/** Parses a top-level parameter that must be a JSON object serialised as a string. */
export function parseJsonObjectParam(name: string, raw: string | undefined, maxChars: number): JsonObject {
  if (raw === undefined || raw.trim() === '') throw Errors.missingParameter(name);
  if (raw.length > maxChars) throw Errors.invalidParameter(name, `is ${raw.length} characters long, at most ${maxChars} are accepted.`);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw Errors.jsonObjectFormatInvalid(name);
  }
  if (!isJsonObject(value)) throw Errors.jsonObjectFormatInvalid(name);
  return value;
}

/**
 * A nested object field. Some clients double-encode nested objects as JSON strings
 * (`"TileOut":"{\"Lines\":2}"`); both forms are accepted.
 */
export function readObject(name: string, v: unknown): JsonObject | undefined {
  if (isAbsent(v)) return undefined;
  if (isJsonObject(v)) return v;
  if (typeof v === 'string') {
    try {
      const parsed: unknown = JSON.parse(v);
      if (isJsonObject(parsed)) return parsed;
    } catch {
      // reported below with the parameter's name
    }
  }
  throw Errors.jsonObjectFormatInvalid(name);
}

export function readString(name: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw Errors.invalidParameter(name, `must be a string, got ${describeValue(v)}.`);
}

export function requireString(name: string, v: unknown): string {
  const s = readString(name, v);
  if (s === undefined) throw Errors.missingParameter(name);
  if (s.trim() === '') throw Errors.emptyValue(name);
  return s;
}

/** An integer given as a JSON number or a decimal string; `undefined` when absent. */
export function readInteger(name: string, v: unknown, range: { min: number; max: number; unit?: string }): number | undefined {
  if (isAbsent(v)) return undefined;
  let n: number;
  if (typeof v === 'number') {
    n = v;
  } else if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) {
    n = Number(v.trim());
  } else {
    throw Errors.numberFormatInvalid(name, v);
  }
  if (!Number.isSafeInteger(n)) throw Errors.numberFormatInvalid(name, v);
  if (n < range.min || n > range.max) {
    const unit = range.unit ? ` ${range.unit}` : '';
    throw Errors.outOfRange(name, `must be in [${range.min}, ${range.max}]${unit}, got ${n}.`);
  }
  return n;
}

/** `true`/`false` as JSON booleans or strings (any case). */
export function readBoolean(name: string, v: unknown): boolean | undefined {
  if (isAbsent(v)) return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  throw Errors.invalidParameter(name, `must be "true" or "false", got ${describeValue(v)}.`);
}

/** One of a fixed set of keywords, matched without regard to case, returned in canonical spelling. */
export function readKeyword<T extends string>(name: string, v: unknown, allowed: readonly T[]): T | undefined {
  if (isAbsent(v)) return undefined;
  if (typeof v === 'string') {
    const hit = allowed.find((a) => a.toLowerCase() === v.trim().toLowerCase());
    if (hit !== undefined) return hit;
  }
  throw Errors.invalidParameter(name, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${describeValue(v)}.`);
}
