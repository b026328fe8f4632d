/**
 * The per-job output budget (issue 13, item 7): the write that would pass it is refused before it
 * reaches storage, with the documented quota code; rewriting a key counts its new size only.
 * Failed before the fix (the writer wrote whatever it was given).
 */
import { checkObjectKey } from '../../../runtime/core/object-key';
import type { ObjectStorage } from '../../../runtime/core/ports';
import { DEFAULT_JOB_OUTPUT_BUDGET_BYTES, OutputWriter } from '../../../runtime/service/output-writer';

function recordingStorage() {
  const puts: string[] = [];
  const storage = { put: async (_b: string, key: string) => void puts.push(key), delete: async () => undefined } as unknown as ObjectStorage;
  return { puts, storage };
}

test('the write past the budget is refused before storage sees it', async () => {
  const { puts, storage } = recordingStorage();
  const writer = new OutputWriter(storage, undefined, 10);
  await writer.put('b', 'one.jpg', Buffer.alloc(6), 'image/jpeg');
  await expect(writer.put('b', 'two.jpg', Buffer.alloc(6), 'image/jpeg')).rejects.toMatchObject({
    code: 'PermissionDenied.ResourceQuotaExceed',
    httpStatus: 403,
    message: expect.stringContaining('10 bytes'),
  });
  expect(puts).toEqual(['one.jpg']);
  expect(writer.bytesWritten).toBe(6);
});

test('a key written again counts once, at its new size', async () => {
  const { storage } = recordingStorage();
  const writer = new OutputWriter(storage, undefined, 10);
  await writer.put('b', 'sheet.jpg', Buffer.alloc(8), 'image/jpeg');
  await writer.put('b', 'sheet.jpg', Buffer.alloc(9), 'image/jpeg');
  expect(writer.bytesWritten).toBe(9);
  expect(writer.keys()).toEqual(['sheet.jpg']);
});

test('the default budget is 256 MiB', async () => {
  expect(DEFAULT_JOB_OUTPUT_BUDGET_BYTES).toBe(256 * 1024 * 1024);
  const { puts, storage } = recordingStorage();
  await expect(new OutputWriter(storage).put('b', 'big.jpg', Buffer.alloc(DEFAULT_JOB_OUTPUT_BUDGET_BYTES + 1), 'image/jpeg')).rejects.toMatchObject({
    code: 'PermissionDenied.ResourceQuotaExceed',
  });
  expect(puts).toEqual([]);
});

test('core: a key with an unpaired surrogate is ObjectKeyInvalid (item 12)', () => {
  expect(() => checkObjectKey('OutputFile.Object', 'a\udc00.jpg')).toThrow(expect.objectContaining({ code: 'InvalidParameter.ObjectKeyInvalid' }));
  expect(() => checkObjectKey('OutputFile.Object', 'a\ud83d\ude00.jpg')).not.toThrow();
});
