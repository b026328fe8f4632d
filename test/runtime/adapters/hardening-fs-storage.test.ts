/**
 * FsObjectStorage against symbolic links and hostile names (issue 13, items 2, 7 and 12): no read,
 * write or delete may reach outside its bucket through a link; writes keep a free-space floor;
 * keys are valid Unicode and each part fits a file name. Each test failed before the fix.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsObjectStorage } from '../../../runtime/adapters/storage/fs-object-storage';

let root: string;
let outside: string;
let storage: FsObjectStorage;
const out = () => path.join(root, 'snapshot-output');

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'fs-hard-'));
  outside = await fs.mkdtemp(path.join(os.tmpdir(), 'fs-hard-outside-'));
  await fs.writeFile(path.join(outside, 'secret.json'), '{"accessKeySecret":"s"}');
  storage = new FsObjectStorage({ rootDir: root });
  await storage.createBucket('snapshot-input');
  await storage.createBucket('snapshot-output');
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
  await fs.rm(outside, { recursive: true, force: true });
});

const invalidKey = { code: 'InvalidParameter.ObjectKeyInvalid', message: expect.stringContaining('symbolic link') };

test('a linked file leading out is neither an input nor a servable object', async () => {
  await fs.symlink(path.join(outside, 'secret.json'), path.join(root, 'snapshot-input', 'video.mp4'));
  await expect(storage.resolveInput('snapshot-input', 'video.mp4')).rejects.toMatchObject(invalidKey);
  await expect(storage.findObject('snapshot-input', 'video.mp4')).rejects.toMatchObject(invalidKey);
});

test('a linked folder leading out is not read, written, created in or deleted from', async () => {
  await fs.symlink(outside, path.join(out(), 'dir'));
  await expect(storage.findObject('snapshot-output', 'dir/secret.json')).rejects.toMatchObject(invalidKey);
  await expect(storage.put('snapshot-output', 'dir/secret.json', Buffer.from('x'), 'image/jpeg')).rejects.toMatchObject(invalidKey);
  await expect(storage.put('snapshot-output', 'dir/new/deeper/a.jpg', Buffer.from('x'), 'image/jpeg')).rejects.toMatchObject(invalidKey);
  await storage.delete('snapshot-output', 'dir/secret.json');
  expect((await fs.readdir(outside)).sort()).toEqual(['secret.json']);
  expect(await fs.readFile(path.join(outside, 'secret.json'), 'utf8')).toBe('{"accessKeySecret":"s"}');
});

test('links that stay inside the bucket work, and a write replaces a link, not its target', async () => {
  await fs.mkdir(path.join(out(), 'real'));
  await fs.symlink('real', path.join(out(), 'alias'));
  await storage.put('snapshot-output', 'alias/a.jpg', Buffer.from('jpeg'), 'image/jpeg');
  expect(await fs.readFile(path.join(out(), 'real', 'a.jpg'), 'utf8')).toBe('jpeg');
  expect(await storage.findObject('snapshot-output', 'alias/a.jpg')).toEqual({ path: path.join(out(), 'real', 'a.jpg'), size: 4 });
  await fs.symlink(path.join(outside, 'secret.json'), path.join(out(), 'link.jpg'));
  await storage.put('snapshot-output', 'link.jpg', Buffer.from('new'), 'image/jpeg');
  expect((await fs.lstat(path.join(out(), 'link.jpg'))).isFile()).toBe(true);
  expect(await fs.readFile(path.join(outside, 'secret.json'), 'utf8')).toBe('{"accessKeySecret":"s"}');
});

test('writes that would leave less than the free-space floor are refused before anything is written', async () => {
  const full = new FsObjectStorage({ rootDir: root, minFreeBytes: Number.MAX_SAFE_INTEGER });
  await expect(full.put('snapshot-output', 'a.jpg', Buffer.from('x'), 'image/jpeg')).rejects.toMatchObject({
    code: 'PermissionDenied.ResourceQuotaExceed',
    httpStatus: 403,
    message: expect.stringContaining('free'),
  });
  expect(await fs.readdir(out())).toEqual([]);
  const unbounded = new FsObjectStorage({ rootDir: root, minFreeBytes: 0 });
  await unbounded.put('snapshot-output', 'a.jpg', Buffer.from('x'), 'image/jpeg');
});

test('a key part of 255 bytes is stored; 256 bytes is ObjectKeyInvalid, and deleting it is a no-op', async () => {
  const ok = `${'é'.repeat(125)}.jpeg`; // 250 + 5 bytes
  await storage.put('snapshot-output', `d/${ok}`, Buffer.from('x'), 'image/jpeg');
  expect(await fs.readdir(path.join(out(), 'd'))).toEqual([ok]);
  const tooLong = `${'k'.repeat(252)}.jpg`;
  await expect(storage.put('snapshot-output', tooLong, Buffer.from('x'), 'image/jpeg')).rejects.toMatchObject({
    code: 'InvalidParameter.ObjectKeyInvalid',
    message: expect.stringContaining('255 bytes'),
  });
  await expect(storage.delete('snapshot-output', tooLong)).resolves.toBeUndefined();
});

test('a lone surrogate and U+FFFD do not name the same file', async () => {
  await storage.put('snapshot-output', 'a\ufffd.jpg', Buffer.from('replacement'), 'image/jpeg');
  await expect(storage.put('snapshot-output', 'a\ud800.jpg', Buffer.from('lone'), 'image/jpeg')).rejects.toMatchObject({
    code: 'InvalidParameter.ObjectKeyInvalid',
  });
  expect(await fs.readFile(path.join(out(), 'a\ufffd.jpg'), 'utf8')).toBe('replacement');
});
