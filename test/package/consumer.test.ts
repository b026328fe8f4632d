/**
 * The package as a platform stack in another repository uses it: `npm pack`, then the tarball
 * installed into a fresh consumer project with the `npm install` README gives, next to cdktf 0.21
 * or cdktn 0.24 (installed under the name `cdktf`), composed into two environment stacks the way
 * README shows, compiled with tsc and synthesized with node.
 *
 * cdktf, cdktn and constructs come from this repository's node_modules, served by a registry on
 * 127.0.0.1 (local-registry.ts): npm resolves the peers as it would from the public registry, and
 * nothing leaves the machine. The consumers live in the temp folder, outside this repository, so
 * nothing of its node_modules (esbuild, the runtime's SDKs, ffmpeg) can be found from them.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { checkStack, formatProblem, loadProviderSchema } from '../../scripts/stack-schema';
import { LocalRegistry, packInstalled, startLocalRegistry } from './local-registry';
import { NPM_ENV, packedTarball, root } from './pack';

const run = promisify(execFile);
const schema = loadProviderSchema(JSON.parse(fs.readFileSync(path.join(root, 'provider-schema', 'alicloud-1.283.0.json'), 'utf8')));
const PACKAGE = 'alicloud-snapshot-pipeline';

/** The consumer's app: the TypeScript README's "Use it in your platform stack" gives, as written. */
function readmeApp(): string {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use it in your platform stack'));
  const code = /```ts\n([\s\S]*?)```/.exec(section);
  if (!code) throw new Error('README.md has no TypeScript example under "Use it in your platform stack"');
  return code[1];
}

/**
 * Close to what `cdktf init --template typescript` writes, but with skipLibCheck off and no Node
 * types: the package's own declarations are checked too, and may need neither esbuild nor @types/node.
 */
const TSCONFIG = {
  compilerOptions: {
    alwaysStrict: true,
    declaration: true,
    lib: ['es2018'],
    module: 'CommonJS',
    noImplicitAny: true,
    noUnusedLocals: true,
    strict: true,
    target: 'ES2018',
    skipLibCheck: false,
    types: [],
  },
  include: ['main.ts'],
};

interface Flavor {
  readonly name: 'cdktf' | 'cdktn';
  /** How README has the consumer install `cdktf`. */
  readonly install: string;
  readonly version: string;
  /**
   * How TypeScript finds the package's types: classic resolution (what `cdktf init` sets up)
   * reads `typesVersions`, Node16 resolution reads the `exports` map; one consumer each.
   */
  readonly resolution: Record<string, string>;
}
const FLAVORS: Flavor[] = [
  { name: 'cdktf', install: 'cdktf@0.21.0', version: '0.21.0', resolution: { module: 'CommonJS' } },
  { name: 'cdktn', install: 'cdktf@npm:cdktn@0.24.0', version: '0.24.0', resolution: { module: 'Node16', moduleResolution: 'Node16' } },
];

interface Consumer {
  readonly flavor: Flavor;
  readonly dir: string;
  readonly outdir: string;
  readonly stacks: Record<string, any>;
  /** Wall-clock seconds of npm install, tsc and the synth. */
  readonly seconds: [number, number, number];
}

async function makeConsumer(flavor: Flavor, tarball: string, base: string, registry: LocalRegistry): Promise<Consumer> {
  let t = process.hrtime.bigint();
  const lap = () => {
    const now = process.hrtime.bigint();
    const s = Number(now - t) / 1e9;
    t = now;
    return s;
  };
  const dir = path.join(base, flavor.name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `platform-${flavor.name}`, version: '1.0.0', private: true }, null, 2));
  fs.writeFileSync(path.join(dir, 'main.ts'), readmeApp());
  const tsconfig = { ...TSCONFIG, compilerOptions: { ...TSCONFIG.compilerOptions, ...flavor.resolution } };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));

  const env: NodeJS.ProcessEnv = { ...NPM_ENV, npm_config_offline: 'false', npm_config_registry: registry.url, npm_config_cache: path.join(base, `npm-cache-${flavor.name}`) };
  delete env.NODE_PATH;
  await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball, flavor.install, 'constructs@10.7.2'], { cwd: dir, env });
  const installed = lap();
  await run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: dir, env });
  const compiled = lap();
  const outdir = path.join(dir, 'cdktf.out');
  await run(process.execPath, ['main.js'], { cwd: dir, env: { ...env, CDKTF_OUTDIR: outdir } });
  const synthesized = lap();
  const stacks: Record<string, any> = {};
  for (const name of fs.readdirSync(path.join(outdir, 'stacks'))) stacks[name] = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
  return { flavor, dir, outdir, stacks, seconds: [installed, compiled, synthesized] };
}

/** Every file under `dir`, relative, sorted. */
function listFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

function bytesOf(dir: string): number {
  return listFiles(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
}

/** The real folders of every installed package named `name`, anywhere under `nodeModules` (links followed). */
function copiesOf(nodeModules: string, names: string[], seen = new Set<string>()): Set<string> {
  const found = new Set<string>();
  const real = fs.realpathSync(nodeModules);
  if (seen.has(real)) return found;
  seen.add(real);
  for (const entry of fs.readdirSync(real)) {
    const dirs = entry.startsWith('@') ? fs.readdirSync(path.join(real, entry)).map((e) => path.join(real, entry, e)) : [path.join(real, entry)];
    for (const d of dirs) {
      const manifest = path.join(d, 'package.json');
      if (!fs.existsSync(manifest)) continue;
      const pkg = fs.realpathSync(d);
      if (names.includes(JSON.parse(fs.readFileSync(manifest, 'utf8')).name)) found.add(pkg);
      const nested = path.join(pkg, 'node_modules');
      if (fs.existsSync(nested)) for (const f of copiesOf(nested, names, seen)) found.add(f);
    }
  }
  return found;
}

/** The entries of a zip file (stored or deflated), read from its central directory. */
function unzip(zip: Buffer): Record<string, Buffer> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip file');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const out: Record<string, Buffer> = {};
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const skip = nameLen + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const name = zip.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const local = zip.readUInt32LE(at + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    out[name] = method === 0 ? Buffer.from(data) : zlib.inflateRawSync(data);
    at += 46 + skip;
  }
  return out;
}

/** The code zip a function of `stack` deploys (the first function's when `fn` is not given). */
function codeZip(c: Consumer, stack: string, fn?: any): string {
  const body = fn ?? Object.values(c.stacks[stack].resource.alicloud_fcv3_function)[0];
  const rel = /^\$\{filebase64\("([^"]+)"\)\}$/.exec(body.code.zip_file)![1];
  return path.join(c.outdir, 'stacks', stack, rel);
}

/** A stack without what only says which cdktf wrote it. */
function withoutVersionStamp(stack: any): any {
  const copy = JSON.parse(JSON.stringify(stack));
  delete copy['//'].metadata.version;
  return copy;
}

describe('the npm package in a platform stack of its own', () => {
  let base: string;
  let tarball: { file: string; built: boolean };
  let registry: LocalRegistry | undefined;
  const consumers: Record<string, Consumer> = {};

  beforeAll(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-consumer-'));
    const t0 = process.hrtime.bigint();
    const [packed, peers] = await Promise.all([packedTarball(), packInstalled(['cdktf', 'cdktn', 'constructs'].map((n) => path.join(root, 'node_modules', n)))]);
    tarball = packed;
    const packSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    registry = await startLocalRegistry(peers);
    // The two consumers are independent: installing and synthesizing them side by side uses both cores.
    for (const c of await Promise.all(FLAVORS.map((f) => makeConsumer(f, tarball.file, base, registry!)))) consumers[c.flavor.name] = c;
    console.log(
      `npm pack ${tarball.built ? 'built' : 'reused'} ${path.basename(tarball.file)} (and the peers) in ${packSeconds.toFixed(1)} s; ` +
        FLAVORS.map((f) => `${f.name} consumer: install, tsc, synth ${consumers[f.name].seconds.map((x) => x.toFixed(1)).join(' / ')} s`).join('; '),
    );
    // Idle, a fresh clone needs about half a minute here (the build and packing the peers are cached
    // in the temp folder after that); the bound is for a machine shared with much else.
  }, 600000);
  afterAll(async () => {
    await registry?.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  const installed = (c: Consumer) => path.join(c.dir, 'node_modules', PACKAGE);

  test('the tarball holds the compiled construct, the bindings, the code package and the docs, nothing else', () => {
    const files = listFiles(installed(consumers.cdktf));
    const allowed = /^(package\.json|README\.md|CHANGELOG\.md|LICENSE|dist\/lib\/[\w-]+\.(js|d\.ts)|dist\/\.gen\/providers\/alicloud\/[\w-]+\/index\.(js|d\.ts)|dist\/runtime\/core\/[\w-]+\.(js|d\.ts)|dist\/function-code\/index\.js)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    for (const must of ['dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/provider.js', 'dist/lib/provider.d.ts', 'dist/function-code/index.js', 'dist/.gen/providers/alicloud/provider/index.js', 'README.md', 'CHANGELOG.md', 'LICENSE'])
      expect(files).toContain(must);
    // Every runtime/core module shipped is one lib/ loads.
    for (const core of files.filter((f) => f.startsWith('dist/runtime/core/') && f.endsWith('.js'))) {
      const name = path.basename(core, '.js');
      const importers = files.filter((f) => f.endsWith('.js') && !f.startsWith('dist/function-code/') && fs.readFileSync(path.join(installed(consumers.cdktf), f), 'utf8').includes(`/core/${name}"`));
      expect([core, importers.length > 0]).toEqual([core, true]);
    }
    console.log(`tarball: ${files.length} files, ${(fs.statSync(tarball.file).size / 1e6).toFixed(2)} MB packed, ${(bytesOf(installed(consumers.cdktf)) / 1e6).toFixed(2)} MB unpacked`);
  });

  test('package.json: the exports map and the typesVersions fallback point at shipped files; cdktf and constructs are peers only', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(installed(consumers.cdktf), 'package.json'), 'utf8'));
    const targets = [pkg.main, pkg.types, ...Object.values(pkg.exports).flatMap((e: any) => (typeof e === 'string' ? [e] : Object.values(e))), ...pkg.typesVersions['*'].provider];
    for (const t of targets) expect([t, fs.existsSync(path.join(installed(consumers.cdktf), t as string))]).toEqual([t, true]);
    expect(Object.keys(pkg.exports)).toEqual(['.', './provider', './package.json']);
    expect(pkg.dependencies).toBeUndefined();
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['cdktf', 'constructs']);
  });

  test.each(FLAVORS.map((f) => [f.name]))('%s: two environments synthesize, each with 0 problems against the provider schema', (name) => {
    const c = consumers[name];
    expect(Object.keys(c.stacks).sort()).toEqual(['media-dev', 'media-prod']);
    for (const [stack, tf] of Object.entries(c.stacks)) {
      expect([stack, checkStack(tf, schema).problems.map(formatProblem)]).toEqual([stack, []]);
      expect(tf['//'].metadata.version).toBe(c.flavor.version);
      expect(tf.terraform.required_providers.alicloud).toEqual({ source: 'aliyun/alicloud', version: '1.283.0' });
      expect(Object.keys(tf.resource.alicloud_fcv3_function)).toHaveLength(2);
    }
    expect(c.stacks['media-prod'].provider.alicloud[0].region).toBe('cn-shanghai');
  });

  test.each(FLAVORS.map((f) => [f.name]))('%s: exactly one constructs and one cdktf in the consumer, the one the package and cdktf itself load', (name) => {
    const c = consumers[name];
    const nm = path.join(c.dir, 'node_modules');
    const constructs = [...copiesOf(nm, ['constructs'])];
    const cdktf = [...copiesOf(nm, ['cdktf', 'cdktn'])];
    expect(constructs).toEqual([fs.realpathSync(path.join(nm, 'constructs'))]);
    expect(cdktf).toEqual([fs.realpathSync(path.join(nm, 'cdktf'))]);
    expect(JSON.parse(fs.readFileSync(path.join(nm, 'cdktf', 'package.json'), 'utf8'))).toMatchObject({ name, version: c.flavor.version });
    const resolved = (request: string, from: string) => fs.realpathSync(path.dirname(require.resolve(`${request}/package.json`, { paths: [from] })));
    expect(resolved('cdktf', path.join(installed(c), 'dist', 'lib'))).toBe(cdktf[0]);
    expect(resolved('constructs', path.join(installed(c), 'dist', 'lib'))).toBe(constructs[0]);
    expect(resolved('constructs', cdktf[0])).toBe(constructs[0]);
  });

  test.each(FLAVORS.map((f) => [f.name]))('%s: the functions deploy the shipped code package; the install is only the package and its peers, under 15 MB', (name) => {
    const c = consumers[name];
    const shipped = fs.readFileSync(path.join(installed(c), 'dist', 'function-code', 'index.js'));
    for (const [stack, tf] of Object.entries(c.stacks)) {
      for (const fn of Object.values(tf.resource.alicloud_fcv3_function as Record<string, any>)) {
        const entries = unzip(fs.readFileSync(codeZip(c, stack, fn)));
        expect(Object.keys(entries)).toEqual(['index.js']);
        expect(entries['index.js'].equals(shipped)).toBe(true);
      }
    }
    // No esbuild, runtime SDK or ffmpeg: the package brings nothing but itself.
    expect(fs.readdirSync(path.join(c.dir, 'node_modules')).sort()).toEqual(['.package-lock.json', PACKAGE, 'cdktf', 'constructs']);
    const mb = bytesOf(installed(c)) / 1e6;
    console.log(`${name}: install footprint of ${PACKAGE} (no non-peer dependencies) ${mb.toFixed(2)} MB`);
    expect(mb).toBeLessThan(15);
  });

  test("README's install commands are the ones used here", () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    for (const f of FLAVORS) expect(readme).toContain(`npm install ${PACKAGE} ${f.install} constructs@10.7.2`);
  });

  test('npm asked the local registry for the peers only', () => {
    expect([...new Set(registry!.requests.filter((r) => !r.startsWith('/-/')))].sort()).toEqual(['/cdktf', '/cdktn', '/constructs']);
  });

  test('cdktf 0.21 and cdktn 0.24 synthesize the same Terraform, apart from the version stamp', () => {
    for (const stack of ['media-dev', 'media-prod']) {
      expect(withoutVersionStamp(consumers.cdktn.stacks[stack])).toEqual(withoutVersionStamp(consumers.cdktf.stacks[stack]));
    }
  });

  test('a reinstall (new file times) does not change the code zip, so the functions are not redeployed', async () => {
    // cdktf 0.21's zips carry file times (cdktn's carry a fixed one), so it is the one that shows it.
    const c = consumers.cdktf;
    const later = new Date(Date.now() + 3600_000);
    fs.utimesSync(path.join(installed(c), 'dist', 'function-code', 'index.js'), later, later);
    const again = { ...c, outdir: path.join(c.dir, 'cdktf.out.again') };
    await run(process.execPath, ['main.js'], { cwd: c.dir, env: { ...process.env, CDKTF_OUTDIR: again.outdir } });
    expect(fs.readFileSync(codeZip(again, 'media-dev')).equals(fs.readFileSync(codeZip(c, 'media-dev')))).toBe(true);
  }, 120000);
});
