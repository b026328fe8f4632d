import * as fs from 'node:fs';
import * as path from 'node:path';
import * as provider from '../../lib/provider';

const root = path.resolve(__dirname, '../..');

describe('alicloud-snapshot-pipeline/provider (lib/provider.ts)', () => {
  test('re-exports every generated binding, so a new one cannot be left out of the package', () => {
    const generated = fs
      .readdirSync(path.join(root, '.gen', 'providers', 'alicloud'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => `../.gen/providers/alicloud/${e.name}`)
      .sort();
    const barrel = [...fs.readFileSync(path.join(root, 'lib', 'provider.ts'), 'utf8').matchAll(/^export \* from '([^']+)';$/gm)].map((m) => m[1]).sort();
    expect(barrel).toEqual(generated);
  });

  test('has the provider and every resource class the construct instantiates', () => {
    const used = new Set<string>();
    for (const file of fs.readdirSync(path.join(root, 'lib'))) {
      const source = fs.readFileSync(path.join(root, 'lib', file), 'utf8');
      const instantiated = new Set([...source.matchAll(/new (\w+)\(/g)].map((m) => m[1]));
      for (const m of source.matchAll(/^import \{([^}]+)\} from '\.\.\/\.gen\/providers\/alicloud\/[^']+';$/gm))
        for (const name of m[1].split(',').map((n) => n.trim())) if (instantiated.has(name)) used.add(name);
    }
    expect(used.size).toBeGreaterThan(15);
    for (const name of ['AlicloudProvider', ...used]) expect([name, typeof (provider as Record<string, unknown>)[name]]).toEqual([name, 'function']);
  });
});
