/**
 * How a client's value is quoted in an error message: JSON-like, and never longer than a line.
 *
 * The values come straight from the request, so they can be 60 000 characters long or nested
 * 30 000 levels deep; `JSON.stringify` on such a value overflows the stack and would turn a bad
 * request into an InternalError. The describer works within a character budget instead, so its
 * recursion can never go deeper than the budget.
 */

/** Longest description, in characters. */
export const MAX_DESCRIPTION_CHARS = 80;

export function describeValue(v: unknown): string {
  return clip(render(v, MAX_DESCRIPTION_CHARS + 1));
}

function clip(s: string): string {
  return s.length > MAX_DESCRIPTION_CHARS ? `${s.slice(0, MAX_DESCRIPTION_CHARS - 3)}...` : s;
}

function render(v: unknown, budget: number): string {
  if (budget <= 0) return '...';
  if (typeof v === 'string') return JSON.stringify(v.length > budget ? v.slice(0, budget) : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === undefined) return String(v);
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  const isArray = Array.isArray(v);
  let s = isArray ? '[' : '{';
  let i = 0;
  // for...in walks keys lazily, so a huge object is not listed in full to describe its start.
  for (const key in v) {
    if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
    if (s.length >= budget) {
      s += '...';
      break;
    }
    if (i++ > 0) s += ',';
    const value = (v as Record<string, unknown>)[key];
    s += isArray ? render(value, budget - s.length) : `${JSON.stringify(key)}:${render(value, budget - s.length - key.length - 3)}`;
  }
  return s + (isArray ? ']' : '}');
}
