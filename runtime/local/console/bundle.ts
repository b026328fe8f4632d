/**
 * The console's browser code (browser/main.ts and the CSS it imports), bundled by esbuild in
 * memory on first request and kept for the life of the process: no build step, no CDN, nothing
 * fetched from the network. esbuild is loaded lazily so nothing else in the runtime depends on it.
 */
import * as path from 'node:path';

export interface ConsoleBundle {
  readonly js: string;
  readonly css: string;
}

const ENTRY = path.join(__dirname, 'browser', 'main.ts');

let cached: Promise<ConsoleBundle> | undefined;

export function consoleBundle(): Promise<ConsoleBundle> {
  cached ??= build().catch((e) => {
    cached = undefined; // a failed build (a typo while editing) is retried on the next request
    throw e;
  });
  return cached;
}

async function build(): Promise<ConsoleBundle> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    outdir: 'out',
    format: 'iife',
    target: 'chrome110',
    minify: true,
    sourcemap: false,
    logLevel: 'silent',
  });
  const pick = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  return { js: pick('.js'), css: pick('.css') };
}
