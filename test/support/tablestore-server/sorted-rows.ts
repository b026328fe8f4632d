/**
 * Rows in primary-key order, as Tablestore keeps a table or an index: binary search for point
 * reads and range starts, so a range read at a million rows costs what it costs at ten.
 */

/** A primary-key part: integers as numbers, strings as strings (the only key types used here). */
export type KeyPart = string | number;
export type Key = readonly KeyPart[];

export function compareKeys(a: Key, b: Key): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    // Tablestore orders strings by their UTF-8 bytes; UTF-16 order is the same except between
    // characters beyond U+FFFF and U+E000..U+FFFF, which keys here never contain.
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** A range bound: a key whose parts may be the infinities of a GetRange. */
export type BoundPart = KeyPart | 'INF_MIN' | 'INF_MAX';

function compareToBound(key: Key, bound: readonly BoundPart[]): number {
  for (let i = 0; i < bound.length; i++) {
    const b = bound[i];
    if (b === 'INF_MIN') return 1;
    if (b === 'INF_MAX') return -1;
    const c = compareKeys([key[i]], [b]);
    if (c !== 0) return c;
  }
  return 0;
}

export class SortedRows<T> {
  private keys: Key[] = [];
  private values: T[] = [];

  get size(): number {
    return this.keys.length;
  }

  /** First position whose key is >= key. */
  private lowerBound(key: Key): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.keys[mid], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private boundPosition(bound: readonly BoundPart[]): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareToBound(this.keys[mid], bound) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(key: Key): T | undefined {
    const i = this.lowerBound(key);
    return i < this.keys.length && compareKeys(this.keys[i], key) === 0 ? this.values[i] : undefined;
  }

  set(key: Key, value: T): void {
    const i = this.lowerBound(key);
    if (i < this.keys.length && compareKeys(this.keys[i], key) === 0) this.values[i] = value;
    else {
      this.keys.splice(i, 0, key);
      this.values.splice(i, 0, value);
    }
  }

  delete(key: Key): void {
    const i = this.lowerBound(key);
    if (i < this.keys.length && compareKeys(this.keys[i], key) === 0) {
      this.keys.splice(i, 1);
      this.values.splice(i, 1);
    }
  }

  /** Loads many rows at once (one sort instead of one insertion each); replaces what was there. */
  load(entries: { key: Key; value: T }[]): void {
    const all = entries.slice().sort((a, b) => compareKeys(a.key, b.key));
    this.keys = all.map((e) => e.key);
    this.values = all.map((e) => e.value);
  }

  /**
   * Entries of [start, end) in FORWARD order, or of (end, start] walking BACKWARD from start, as
   * GetRange defines them; `visit` returns false to stop.
   */
  scan(start: readonly BoundPart[], end: readonly BoundPart[], backward: boolean, visit: (key: Key, value: T) => boolean): void {
    if (!backward) {
      const stop = this.boundPosition(end);
      for (let i = this.boundPosition(start); i < stop; i++) if (!visit(this.keys[i], this.values[i])) return;
      return;
    }
    // Inclusive start: the last key <= start; exclusive end: keys > end.
    let i = this.boundPosition(start);
    if (!(i < this.keys.length && compareToBound(this.keys[i], start) === 0)) i--;
    else while (i + 1 < this.keys.length && compareToBound(this.keys[i + 1], start) === 0) i++;
    for (; i >= 0 && compareToBound(this.keys[i], end) > 0; i--) if (!visit(this.keys[i], this.values[i])) return;
  }
}
