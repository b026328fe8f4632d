/**
 * Builds what the npm package ships; `npm pack` and `npm publish` run it as `prepack`.
 *
 * - dist/lib/ and dist/.gen/ (and any runtime/core module lib/ imports): tsc -p tsconfig.build.json,
 *   JavaScript with declarations;
 * - dist/function-code/index.js: the Function Compute code package, runtime/entry/fc-server.ts
 *   bundled by esbuild, so that synthesizing a stack from the package needs neither esbuild nor
 *   the runtime's SDKs nor ffmpeg (the construct picks it up, see lib/runtime-bundle.ts).
 *
 * dist/ is emptied first, so nothing stale from another build is ever packed.
 *
 * Usage: npm run build
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { defaultEntry, runtimeBuildOptions } from '../lib/runtime-bundle';

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

function sizeOf(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += fs.statSync(path.join(e.parentPath, e.name)).size;
  }
  return { files, bytes };
}

function main(): void {
  fs.rmSync(dist, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  const outfile = path.join(dist, 'function-code', 'index.js');
  const result = esbuild.buildSync({ ...runtimeBuildOptions(defaultEntry()), outfile });
  if (result.errors.length) throw new Error(`Bundling the runtime failed:\n${result.errors.map((e) => e.text).join('\n')}`);
  for (const must of ['lib/index.js', 'lib/index.d.ts', 'lib/provider.js', 'lib/provider.d.ts', 'function-code/index.js']) {
    if (!fs.existsSync(path.join(dist, must))) throw new Error(`the build did not produce dist/${must}`);
  }
  const { files, bytes } = sizeOf(dist);
  console.log(`dist/: ${files} files, ${(bytes / 1e6).toFixed(2)} MB (function code ${(fs.statSync(outfile).size / 1e6).toFixed(2)} MB)`);
}

main();
