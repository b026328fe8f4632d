/**
 * `npm pack` of this repository, once per content: the tarball is cached in the temp folder under
 * a hash of everything that goes into it, so a second run of the package tests reuses it and a
 * change to any of those files packs again (prepack runs the build).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const root = path.resolve(__dirname, '../..');

/** What the build reads: the package's own files, the sources it compiles or bundles, the lock file. */
const INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'scripts/build-package.ts', 'lib', '.gen', 'runtime'];

function filesOf(rel: string): string[] {
  const abs = path.join(root, rel);
  if (!fs.existsSync(abs)) return [];
  if (fs.statSync(abs).isFile()) return [rel];
  return fs
    .readdirSync(abs)
    .sort()
    .flatMap((name) => filesOf(path.join(rel, name)));
}

export function contentHash(): string {
  const h = createHash('sha256');
  for (const rel of INPUTS.flatMap(filesOf)) h.update(rel).update('\0').update(fs.readFileSync(path.join(root, rel))).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** A quiet npm that reaches no registry unless one is given on the command line. */
export const NPM_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  npm_config_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  npm_config_loglevel: 'error',
};

/** The packed tarball of the current sources, and whether this call had to build it. */
export async function packedTarball(): Promise<{ file: string; built: boolean }> {
  const { name, version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const dir = path.join(os.tmpdir(), `${name}-pack-${contentHash()}`);
  const file = path.join(dir, `${name}-${version}.tgz`);
  if (fs.existsSync(file)) return { file, built: false };
  // Packed into a scratch folder, then renamed: a run that dies half-way never leaves a tarball behind.
  const scratch = fs.mkdtempSync(`${dir}.tmp-`);
  await run('npm', ['pack', '--pack-destination', scratch], { cwd: root, env: NPM_ENV });
  fs.mkdirSync(dir, { recursive: true });
  fs.renameSync(path.join(scratch, path.basename(file)), file);
  fs.rmSync(scratch, { recursive: true, force: true });
  // Tarballs of earlier sources are never used again.
  for (const old of fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith(`${name}-pack-`) && path.join(os.tmpdir(), d) !== dir && !d.includes('.tmp-')))
    fs.rmSync(path.join(os.tmpdir(), old), { recursive: true, force: true });
  return { file, built: true };
}
