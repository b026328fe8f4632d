import { describeValue, MAX_DESCRIPTION_CHARS } from '../../../runtime/core/describe-value';
import { nested } from '../../support/hostile-values';

describe('describeValue: how a client value is quoted in an error message', () => {
  test.each<[string, unknown, string]>([
    ['a string, in JSON quotes', 'ten', '"ten"'],
    ['control characters, escaped', 'a\u0000b', '"a\\u0000b"'],
    ['a number', 1.5, '1.5'],
    ['Infinity (what 1e400 parses to), by name', Infinity, 'Infinity'],
    ['null', null, 'null'],
    ['a boolean', true, 'true'],
    ['an array', [1, 'a', null], '[1,"a",null]'],
    ['an object', { a: { b: [1] } }, '{"a":{"b":[1]}}'],
    ['an empty object', {}, '{}'],
  ])('%s', (_name, value, shown) => {
    expect(describeValue(value)).toBe(shown);
  });

  test.each<[string, unknown]>([
    ['a 70 000-character string', 'x'.repeat(70_000)],
    ['arrays nested 100 000 deep', JSON.parse(nested(100_000))],
    ['objects nested 30 000 deep', JSON.parse(nested(30_000, '{"a":', '}', '1'))],
    ['an array of 100 000 items', Array.from({ length: 100_000 }, (_, i) => i)],
    ['an object with a 70 000-character key', { ['k'.repeat(70_000)]: 1 }],
  ])('%s is described in at most one line, without overflowing the stack', (_name, value) => {
    const shown = describeValue(value);
    expect(shown.length).toBeLessThanOrEqual(MAX_DESCRIPTION_CHARS);
    expect(shown.endsWith('...')).toBe(true);
  });
});
