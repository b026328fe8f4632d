/**
 * docs/features.md must not rot: every SnapshotConfig example on it is accepted by the request
 * parser and is exactly a config that scripts/make-doc-images.ts ran (docs/images/jobs.json), every
 * picture it links exists, and the WebVTT excerpt is the start of the real track.
 */
import { readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseSubmitRequest } from '../../runtime/core/submit-request';

const DOCS = path.resolve(__dirname, '../../docs');
const page = readFileSync(path.join(DOCS, 'features.md'), 'utf8');
const jobs = JSON.parse(readFileSync(path.join(DOCS, 'images/jobs.json'), 'utf8')) as {
  jobs: { name: string; input: string; state: string; snapshotConfig: Record<string, unknown> }[];
};

function blocks(lang: string): string[] {
  return [...page.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

const examples = blocks('json');

test('the page has a SnapshotConfig example per feature', () => {
  expect(examples.length).toBeGreaterThanOrEqual(12);
});

test.each(examples.map((e, i) => [i + 1, e] as const))('example %i is accepted by parseSubmitRequest', (_i, example) => {
  const request = parseSubmitRequest(
    {
      Input: JSON.stringify({ Bucket: 'snapshot-input', Location: 'oss-cn-hangzhou', Object: 'docs/mandelbrot.mp4' }),
      SnapshotConfig: example,
    },
    { region: 'cn-hangzhou' },
  );
  expect(request.config.outputFile.bucket).toBe('snapshot-output');
});

test.each(examples.map((e, i) => [i + 1, e] as const))('example %i is a job the doc-image script ran to Success', (_i, example) => {
  const config = JSON.parse(example);
  const ran = jobs.jobs.find((j) => JSON.stringify(j.snapshotConfig) === JSON.stringify(config));
  expect(ran).toBeDefined();
  expect(ran!.state).toBe('Success');
});

test('every linked picture and file exists', () => {
  const links = [...page.matchAll(/\]\((images\/[^)#\s]+)\)/g)].map((m) => m[1]);
  expect(links.length).toBeGreaterThan(5);
  for (const link of links) expect({ link, exists: existsSync(path.join(DOCS, link)) }).toEqual({ link, exists: true });
});

test('the WebVTT excerpt is the start of the real track', () => {
  const excerpt = blocks('text').find((b) => b.startsWith('WEBVTT'));
  expect(excerpt).toBeDefined();
  const vtt = readFileSync(path.join(DOCS, 'images/mandelbrot.vtt'), 'utf8');
  expect(vtt.startsWith(excerpt!)).toBe(true);
});
