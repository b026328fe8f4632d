/**
 * A package registry on 127.0.0.1 that serves packages already installed in this repository's
 * node_modules (packed with `npm pack <folder>`), so a consumer project can run the very
 * `npm install cdktf@... constructs@...` its README shows, peer-dependency resolution included,
 * without any network. npm resolves a peer from the registry's metadata (the packument), which is
 * why copying the peers into node_modules is not enough for an offline `npm install`.
 *
 * It answers the two requests npm makes: GET /<name> (the packument) and GET /-/<file> (the tarball).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface Packed {
  readonly manifest: Record<string, unknown> & { name: string; version: string };
  readonly file: string;
}

/**
 * Tarballs of the installed packages in `dirs`, made once per name and version and kept in the
 * temp folder. An installed package folder is what its registry tarball held, so it is archived
 * as it is, under `package/`, and left uncompressed (npm detects that): gzip would be most of the
 * cost, cdktf with its bundled dependencies being 18 MB.
 */
export async function packInstalled(dirs: string[]): Promise<Packed[]> {
  const packed = dirs.map((dir) => {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const cache = path.join(os.tmpdir(), `snapshot-pipeline-peers-${manifest.name}-${manifest.version}`);
    return { dir, manifest, cache, file: path.join(cache, `${manifest.name}-${manifest.version}.tar`) };
  });
  const missing = packed.filter((p) => !fs.existsSync(p.file));
  await Promise.all(
    missing.map(async (p) => {
      const scratch = fs.mkdtempSync(`${p.cache}.tmp-`);
      await run('tar', ['-cf', path.join(scratch, path.basename(p.file)), '--transform', 's,^\\.,package,', '-C', p.dir, '.']);
      fs.mkdirSync(p.cache, { recursive: true });
      fs.renameSync(path.join(scratch, path.basename(p.file)), p.file);
      fs.rmSync(scratch, { recursive: true, force: true });
    }),
  );
  return packed.map(({ manifest, file }) => ({ manifest, file }));
}

export interface LocalRegistry {
  readonly url: string;
  /** Every path npm asked for, to show nothing else was looked up. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startLocalRegistry(packages: Packed[]): Promise<LocalRegistry> {
  const requests: string[] = [];
  const tarballs = new Map(packages.map((p) => [path.basename(p.file), p.file]));
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]);
    requests.push(url);
    if (url.startsWith('/-/') && tarballs.has(url.slice(3))) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      fs.createReadStream(tarballs.get(url.slice(3))!).pipe(res);
      return;
    }
    const versions = packages.filter((p) => `/${p.manifest.name}` === url);
    if (versions.length === 0) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const packument = {
      name: versions[0].manifest.name,
      'dist-tags': { latest: versions[versions.length - 1].manifest.version },
      versions: Object.fromEntries(
        versions.map(({ manifest, file }) => {
          const bytes = fs.readFileSync(file);
          const { scripts: _scripts, devDependencies: _dev, ...published } = manifest;
          const dist = {
            tarball: `${origin}/-/${path.basename(file)}`,
            integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
            shasum: createHash('sha1').update(bytes).digest('hex'),
          };
          return [manifest.version, { ...published, _id: `${manifest.name}@${manifest.version}`, dist }];
        }),
      ),
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
