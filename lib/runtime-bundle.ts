/**
 * How the runtime becomes a Function Compute code package: one `index.js` (the custom runtime
 * starts it with the Node.js 20 layer), which a cdktf `TerraformAsset` zips into the stack's assets.
 *
 * Where the `index.js` comes from: the npm package ships it prebuilt (`dist/function-code/`, made
 * by `npm run build` at pack time), so a platform stack that installs the package synthesizes
 * without esbuild, the runtime's SDKs or ffmpeg. Inside this repository, where lib/ runs from
 * source, esbuild bundles `runtime/entry/fc-server.ts` at synth time instead, so a change to the
 * runtime is deployed without a build step.
 *
 * The zip goes to FC inline (`code.zip_file` = `filebase64(<asset>)`) rather than through an OSS
 * object: no extra bucket or object to create, order or clean up, nothing to grant, and it works
 * the same with existing buckets. The bundle is about 0.5 MB zipped, far below FC's inline limit;
 * the cost is that the base64 string is kept in the Terraform state.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { AssetType, Fn, TerraformAsset } from 'cdktf';

/**
 * Left out of the bundle:
 * - the ffmpeg/ffprobe installer packages only locate bundled binaries; in the cloud the FFmpeg
 *   layer provides them (FFMPEG_PATH / FFPROBE_PATH);
 * - `babel-runtime/*` is required only by @alicloud/mns's ES5 build, which it loads on engines
 *   without async functions (never on Node.js 20);
 * - `proxy-agent` is required by urllib (ali-oss) only when an HTTP proxy is configured, which
 *   Function Compute does not do.
 */
export const BUNDLE_EXTERNALS = ['@ffmpeg-installer/*', '@ffprobe-installer/*', 'babel-runtime/*', 'proxy-agent'];

/** Zip entries carry mtimes; a fixed one keeps the zip (and so the function) unchanged across synths. */
const FIXED_MTIME = new Date('2000-01-01T00:00:00Z');

const bundled = new Map<string, string>();

/**
 * The prebuilt code package in the npm package: `dist/function-code/` beside `dist/lib/`. From
 * the sources (`lib/`) this names a folder that does not exist, so the repository bundles instead.
 */
export const SHIPPED_CODE_DIRECTORY = path.resolve(__dirname, '..', 'function-code');

/**
 * esbuild options that turn `entry` into the one-file code package (shared with the pack-time
 * build). Typed without esbuild's types, so the published declarations do not need esbuild.
 */
export function runtimeBuildOptions(entry: string) {
  return {
    entryPoints: [entry],
    outfile: 'index.js',
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    format: 'cjs' as const,
    external: BUNDLE_EXTERNALS,
    legalComments: 'none' as const,
    logLevel: 'silent' as const,
  };
}

/**
 * A folder holding the code package as `index.js`: the shipped one when there is one (copied to a
 * folder of its own, see stageCode), else the runtime bundled from source.
 */
export function defaultCodeDirectory(): string {
  const shipped = path.join(SHIPPED_CODE_DIRECTORY, 'index.js');
  if (!fs.existsSync(shipped)) return bundleRuntime(defaultEntry());
  const cached = bundled.get(shipped);
  if (cached && fs.existsSync(path.join(cached, 'index.js'))) return cached;
  const dir = stageCode(fs.readFileSync(shipped));
  bundled.set(shipped, dir);
  return dir;
}

/** `runtime/entry/fc-server.ts` from the sources, or the compiled `.js` when lib/ runs from dist/. */
export function defaultEntry(): string {
  const base = path.resolve(__dirname, '..', 'runtime', 'entry', 'fc-server');
  for (const ext of ['.ts', '.js']) if (fs.existsSync(base + ext)) return base + ext;
  throw new Error(
    `The Function Compute runtime entry was not found at ${base}.ts (or .js). ` +
      'It is what the functions run, so the code package cannot be built without it. ' +
      'Build it (runtime/entry/fc-server.ts) or pass `codeDirectory` with a prebuilt folder holding index.js.',
  );
}

/**
 * Bundles `entry` into a folder holding `index.js`; cached per process and entry.
 *
 * The folder is named after the bundle's content hash (stageCode), so every synth of the same
 * runtime (test workers, repeated `cdktf synth`) reuses one folder instead of leaving a new one
 * behind.
 */
export function bundleRuntime(entry: string): string {
  const cached = bundled.get(entry);
  if (cached && fs.existsSync(path.join(cached, 'index.js'))) return cached;
  // Loaded lazily: only a synth from the sources bundles; the published package never loads esbuild.
  let esbuild: typeof import('esbuild');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    esbuild = require('esbuild') as typeof import('esbuild');
  } catch {
    throw new Error(
      `Bundling the runtime (${entry}) needs esbuild, which is not installed. ` +
        'The npm package ships the code package prebuilt; from a checkout, run `npm install` first, or pass `codeDirectory`.',
    );
  }
  let result: import('esbuild').BuildResult<{ write: false }>;
  try {
    result = esbuild.buildSync({ ...runtimeBuildOptions(entry), write: false });
  } catch (err) {
    throw new Error(`Bundling the runtime (${entry}) for Function Compute failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (result.errors.length) throw new Error(`Bundling ${entry} failed:\n${result.errors.map((e) => e.text).join('\n')}`);
  const outDir = stageCode(result.outputFiles[0].contents);
  bundled.set(entry, outDir);
  return outDir;
}

/**
 * Puts `code` as `index.js` in a folder named after its content hash, with a fixed mtime: the zip
 * (and so the function) changes only when the code does, not when a bundle is rebuilt or the
 * package is installed again (npm gives installed files the install time). The folder has to
 * outlive the call because the asset is zipped only when the app synthesizes.
 */
function stageCode(code: Uint8Array): string {
  const hash = crypto.createHash('sha256').update(code).digest('hex').slice(0, 16);
  const outDir = path.join(os.tmpdir(), `snapshot-runtime-${hash}`);
  const outfile = path.join(outDir, 'index.js');
  if (!fs.existsSync(outfile)) {
    fs.mkdirSync(outDir, { recursive: true });
    // Written under a unique name, then renamed: parallel synths of the same bundle never see half a file.
    const scratch = `${outfile}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(scratch, code);
    fs.utimesSync(scratch, FIXED_MTIME, FIXED_MTIME);
    fs.renameSync(scratch, outfile);
  }
  return outDir;
}

export interface RuntimeBundleProps {
  /**
   * A folder that already holds the runtime as `index.js` (and anything it loads).
   * @default - the code package shipped in the npm package (`dist/function-code/`); inside this
   *   repository, `runtime/entry/fc-server.ts` bundled with esbuild at synth time
   */
  readonly codeDirectory?: string;
}

export class RuntimeBundle extends Construct {
  readonly asset: TerraformAsset;
  /** The zip as base64, for `code.zip_file` (a Terraform expression, read at plan time). */
  readonly zipFileBase64: string;
  /** Where the folder that was zipped lives on this machine. */
  readonly sourceDirectory: string;

  constructor(scope: Construct, id: string, props: RuntimeBundleProps = {}) {
    super(scope, id);
    if (props.codeDirectory !== undefined) {
      const dir = path.resolve(props.codeDirectory);
      if (!fs.existsSync(path.join(dir, 'index.js'))) throw new Error(`codeDirectory ${dir} has no index.js (the custom runtime runs \`node index.js\`)`);
      this.sourceDirectory = dir;
    } else {
      this.sourceDirectory = defaultCodeDirectory();
    }
    this.asset = new TerraformAsset(this, 'Asset', { path: this.sourceDirectory, type: AssetType.ARCHIVE });
    this.zipFileBase64 = Fn.filebase64(this.asset.path);
  }
}
