/**
 * Seeded hostile values for robustness tests: the same seed gives the same requests on every
 * run, so a failure names a case that can be replayed. Values are raw JSON text, because some
 * of what clients send (`1e400`, deep nesting, lone surrogates) has no JSON.stringify spelling.
 */

/** A small, fast PRNG (mulberry32): deterministic across Node versions, unlike Math.random. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)];
}

export function nested(depth: number, open = '[', close = ']', inner = ''): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

/** A value to put where a number, string, boolean or object is expected, with a short label. */
export interface HostileValue {
  readonly label: string;
  /** JSON text of the value. */
  readonly json: string;
}

const v = (label: string, json: string): HostileValue => ({ label, json });
const s = (label: string, text: string): HostileValue => v(label, JSON.stringify(text));

export const HOSTILE_VALUES: readonly HostileValue[] = [
  v('null', 'null'),
  v('true', 'true'),
  v('false', 'false'),
  v('[]', '[]'),
  v('{}', '{}'),
  v('[1,2,3]', '[1,2,3]'),
  v('an object', '{"a":{"b":[1,{"c":null}]}}'),
  v('-1', '-1'),
  v('0', '0'),
  v('-0', '-0'),
  v('1.5', '1.5'),
  v('1e400', '1e400'),
  v('-1e400', '-1e400'),
  v('2^53+1', '9007199254740993'),
  v('1e21', '1e21'),
  v('4097', '4097'),
  v('huge negative', '-99999999999999999999'),
  s('"NaN"', 'NaN'),
  s('"Infinity"', 'Infinity'),
  s('"-Infinity"', '-Infinity'),
  s('"1e3"', '1e3'),
  s('"0x10"', '0x10'),
  s('" 12 "', ' 12 '),
  s('"1.5"', '1.5'),
  s('"-5"', '-5'),
  s('""', ''),
  s('" "', ' '),
  s('NUL', '\u0000'),
  s('control characters', '\u0001\u001f\u007f\n\r\t'),
  s('unicode', 'é😀中文\u200b\ufeff'),
  v('a lone surrogate', '"\\ud800x"'),
  s('"{Count}"', '{Count}'),
  s('"%7BCount%7D"', '%7BCount%7D'),
  s('"{TileCount}"', '{TileCount}'),
  s('"{Bogus}"', '{Bogus}'),
  s('a bare %', '100%'),
  s('a broken escape', '%E0%A4%A'),
  s('"../.."', '../..'),
  s('a backslash path', '..\\..\\etc'),
  s('"true"', 'true'),
  s('"random"', 'random'),
  s('4000 characters', 'x'.repeat(4000)),
  v('arrays 20000 deep', nested(20_000)),
  v('objects 10000 deep', nested(10_000, '{"a":', '}', '1')),
  v('a 2000-element array', `[${Array.from({ length: 2000 }, (_, i) => i).join(',')}]`),
  v('an array of junk', '[null,"a",1.5,-1,1e400,[],{}]'),
];

/** Random printable, punctuation and arbitrary BMP characters (well-formed UTF-16). */
export function junkText(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const r = random();
    if (r < 0.6) out += String.fromCharCode(32 + Math.floor(random() * 95));
    else if (r < 0.8) out += pick(random, ['{', '}', '[', ']', '"', ':', ',', '\\', '%', '+', '&', '=']);
    else {
      // Any code point but a lone surrogate half, which the SDKs cannot URL-encode at all.
      const c = Math.floor(random() * 0xfffe);
      out += String.fromCharCode(c >= 0xd800 && c <= 0xdfff ? c - 0x800 : c);
    }
  }
  return out;
}

/** A JSON text with a few characters flipped, dropped or doubled. */
export function mutateText(random: () => number, text: string, edits = 3): string {
  let out = text;
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * out.length);
    const op = random();
    if (op < 0.33) out = out.slice(0, at) + out.slice(at + 1);
    else if (op < 0.66) out = out.slice(0, at) + pick(random, ['{', '}', '"', ',', ':', ']', '\\', '\u0000', 'é']) + out.slice(at);
    else out = out.slice(0, at) + out.slice(at, at + 5) + out.slice(at);
  }
  return out;
}
