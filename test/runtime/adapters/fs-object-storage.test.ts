import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FsObjectStorage } from '../../../runtime/adapters/storage/fs-object-storage';

describe('FsObjectStorage', () => {
  let root: string;
  let storage: FsObjectStorage;

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'fs-storage-'));
    storage = new FsObjectStorage({ rootDir: root });
    await storage.createBucket('snapshot-input');
    await storage.createBucket('snapshot-output');
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('a bucket is a folder and a key a path inside it', async () => {
    await storage.put('snapshot-output', 'out/dir/shot-00001.jpg', Buffer.from('jpeg'), 'image/jpeg');
    expect(await fs.readFile(path.join(root, 'snapshot-output', 'out', 'dir', 'shot-00001.jpg'), 'utf8')).toBe('jpeg');
    expect(storage.bucketDir('snapshot-output')).toBe(path.join(root, 'snapshot-output'));
  });

  it('resolves an input to its absolute path and size', async () => {
    await fs.mkdir(path.join(root, 'snapshot-input', 'videos'));
    await fs.writeFile(path.join(root, 'snapshot-input', 'videos', 'a b.mp4'), Buffer.alloc(1234));
    await expect(storage.resolveInput('snapshot-input', 'videos/a b.mp4')).resolves.toEqual({
      uri: path.join(root, 'snapshot-input', 'videos', 'a b.mp4'),
      sizeBytes: 1234,
    });
  });

  it('a missing object, a folder, or a missing bucket is ResourceNotFound naming it', async () => {
    await expect(storage.resolveInput('snapshot-input', 'nope.mp4')).rejects.toMatchObject({
      code: 'InvalidParameter.ResourceNotFound',
      httpStatus: 404,
      message: expect.stringContaining('snapshot-input/nope.mp4'),
    });
    await fs.mkdir(path.join(root, 'snapshot-input', 'folder.mp4'));
    await expect(storage.resolveInput('snapshot-input', 'folder.mp4')).rejects.toMatchObject({ code: 'InvalidParameter.ResourceNotFound' });
    await expect(storage.resolveInput('other-bucket', 'a.mp4')).rejects.toMatchObject({
      code: 'InvalidParameter.ResourceNotFound',
      message: expect.stringContaining('other-bucket'),
    });
  });

  it('writing to a bucket folder that does not exist fails instead of creating it', async () => {
    await expect(storage.put('typo-bucket', 'a.jpg', Buffer.from('x'), 'image/jpeg')).rejects.toMatchObject({ code: 'InvalidParameter.ResourceNotFound' });
    await expect(storage.bucketExists('typo-bucket')).resolves.toBe(false);
    await expect(fs.stat(path.join(root, 'typo-bucket'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.each([
    ['../snapshot-input/x.jpg'],
    ['a/../../escape.jpg'],
    ['..'],
    ['/etc/passwd'],
    ['a\0b.jpg'],
    ['a\\..\\..\\b.jpg'],
    [''],
    ['dir/'],
  ])('never lets the key %j leave the bucket folder', async (key) => {
    await expect(storage.put('snapshot-output', key, Buffer.from('x'), 'image/jpeg')).rejects.toMatchObject({ code: 'InvalidParameter.ObjectKeyInvalid' });
    await expect(storage.resolveInput('snapshot-output', key)).rejects.toMatchObject({ code: 'InvalidParameter.ObjectKeyInvalid' });
    await expect(storage.delete('snapshot-output', key)).rejects.toMatchObject({ code: 'InvalidParameter.ObjectKeyInvalid' });
    expect((await fs.readdir(root)).sort()).toEqual(['snapshot-input', 'snapshot-output']);
  });

  it('keys that only look odd stay inside and work', async () => {
    await storage.put('snapshot-output', 'a/./b/../c..d/x..jpg', Buffer.from('ok'), 'image/jpeg');
    expect(await fs.readFile(path.join(root, 'snapshot-output', 'a', 'c..d', 'x..jpg'), 'utf8')).toBe('ok');
  });

  it('bucket names that are not OSS names are refused (no "..", no slashes)', async () => {
    await expect(storage.resolveInput('..', 'a.mp4')).rejects.toMatchObject({ code: 'InvalidParameter.BucketNameInvalid' });
    await expect(storage.put('a/b', 'k', Buffer.from('x'), 'image/jpeg')).rejects.toMatchObject({ code: 'InvalidParameter.BucketNameInvalid' });
  });

  it('writes atomically: a reader sees the old or the new content, and no temp files remain', async () => {
    const key = 'same.jpg';
    const bodies = Array.from({ length: 20 }, (_, i) => Buffer.alloc(200_000, i));
    const reads: Promise<void>[] = [];
    const writes = bodies.map(async (b, i) => {
      await storage.put('snapshot-output', key, b, 'image/jpeg');
      if (i % 4 === 0) {
        reads.push(
          fs.readFile(path.join(root, 'snapshot-output', key)).then((seen) => {
            expect(seen.length).toBe(200_000);
            expect(seen.every((byte) => byte === seen[0])).toBe(true);
          }),
        );
      }
    });
    await Promise.all(writes);
    await Promise.all(reads);
    expect(await fs.readdir(path.join(root, 'snapshot-output'))).toEqual([key]);
  });

  it('delete removes the object and ignores a missing one', async () => {
    await storage.put('snapshot-output', 'gone.jpg', Buffer.from('x'), 'image/jpeg');
    await storage.delete('snapshot-output', 'gone.jpg');
    await expect(fs.stat(path.join(root, 'snapshot-output', 'gone.jpg'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(storage.delete('snapshot-output', 'gone.jpg')).resolves.toBeUndefined();
  });

  it('publicUrl: a file:// URL of the object, or publicBaseUrl/bucket/key, keeping {Count}', async () => {
    const url = storage.publicUrl('snapshot-output', 'out/a b/shot-{Count}.jpg');
    expect(url.startsWith('file://')).toBe(true);
    expect(url.endsWith('/snapshot-output/out/a%20b/shot-{Count}.jpg')).toBe(true);
    expect(fileURLToPath(storage.publicUrl('snapshot-output', 'x y.jpg'))).toBe(path.join(root, 'snapshot-output', 'x y.jpg'));
    const served = new FsObjectStorage({ rootDir: root, publicBaseUrl: 'http://127.0.0.1:8080/oss/' });
    expect(served.publicUrl('snapshot-output', 'out/é (1).jpg')).toBe('http://127.0.0.1:8080/oss/snapshot-output/out/%C3%A9%20%281%29.jpg');
  });
});
