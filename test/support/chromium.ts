/**
 * A real Chromium for browser tests, with nothing installed beyond `npm install`:
 * `@sparticuz/chromium` ships the binary inside the npm package (unpacked to the temp dir on first
 * use) and `playwright-core` drives it.
 *
 * The package is ESM-only, which jest's CommonJS loader cannot require, so its two facts (the
 * binary's path and its recommended flags) are read by a short child `node` process.
 * The extra flags switch off Chromium's own background traffic (updates, sync, safe browsing):
 * on a machine without network those connections are refused and only slow the start.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';

const QUIET = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

async function sparticuz(): Promise<{ executablePath: string; args: string[] }> {
  const script = "import('@sparticuz/chromium').then(async ({ default: c }) => process.stdout.write(JSON.stringify({ executablePath: await c.executablePath(), args: c.args })))";
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: __dirname, timeout: 120_000 });
  return JSON.parse(stdout) as { executablePath: string; args: string[] };
}

export async function launchChromium(): Promise<Browser> {
  const { executablePath, args } = await sparticuz();
  return chromium.launch({ executablePath, args: [...args, ...QUIET] });
}
