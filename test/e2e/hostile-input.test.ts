/**
 * Hostile input over the wire: a seeded, bounded set of malformed SubmitSnapshotJob and
 * QuerySnapshotJobList calls through the official SDKs. Every answer is either a success (the
 * mutation happened to be valid, and then the job reaches a final state) or a 4xx with a code
 * from the error catalogue and a message naming a parameter: never a 5xx, never a hang, nothing
 * written for a refused request, and the service answers normally afterwards.
 */
import * as net from 'node:net';
import { Errors, type SnapshotError } from '../../runtime/core/errors';
import type { LocalService } from '../../runtime/entry/local-server';
import { HOSTILE_VALUES, junkText, mutateText, nested, pick, seededRandom } from '../support/hostile-values';
import type { HostileValue } from '../support/hostile-values';
import { FAILURE_EVENTS, withLocalService } from '../support/local-service';
import { makeIndexedVideo } from '../support/media';
import { CLIENT_KINDS, oss, query, settle, submit, waitForFinal } from './e2e-helpers';
import type { ClientKind, SdkError, SubmitParams, WireJob } from './e2e-helpers';

const SEED = 20_240_519;
const random = seededRandom(SEED);

const local = withLocalService();
const INPUT_KEY = 'in/clip.mp4';

beforeAll(async () => {
  await local.putInput(await makeIndexedVideo({ durationSec: 2 }), INPUT_KEY);
});

/** Code → HTTP status of every error the catalogue can make. */
const CATALOGUE = new Map(
  Object.values(Errors).map((make) => {
    const err = (make as (...args: unknown[]) => SnapshotError)('p', 'q', 'r');
    return [err.code, err.httpStatus] as const;
  }),
);
const CLIENT_ERROR_CODES = [...CATALOGUE].filter(([, status]) => status < 500).map(([code]) => code);
const NAMES_A_PARAMETER =
  /\b(Input|InputFile|SnapshotConfig(\.[A-Za-z.[\]0-9]+)?|OutputFile|TileOutputFile|TimeArray|PipelineId|UserData|SnapshotJobIds|MaximumPageSize|State|NextPageToken|StartOfJobCreatedTimeRange|EndOfJobCreatedTimeRange|Query|Body)\b/;

// ---- request shapes ----

type Json = Record<string, unknown>;
type Base = 'sync' | 'async' | 'sprite';

function baseRequest(svc: LocalService, base: Base, prefix: string): { Input: Json; SnapshotConfig: Json } {
  const Input = oss(svc, svc.inputBucket, INPUT_KEY);
  const out = (name: string) => oss(svc, svc.outputBucket, `${prefix}${name}`);
  if (base === 'sync') return { Input, SnapshotConfig: { OutputFile: out('snap.jpg'), Time: '500' } };
  if (base === 'async') return { Input, SnapshotConfig: { OutputFile: out('{Count}.jpg'), Time: '0', Num: '2', Interval: '1' } };
  return {
    Input,
    SnapshotConfig: {
      OutputFile: out('{Count}.jpg'),
      Time: '0',
      Num: '3',
      Interval: '0',
      TileOut: { Lines: '2', Columns: '2' },
      TileOutputFile: out('sprite{TileCount}.jpg'),
    },
  };
}

const MARK = '@@HOSTILE@@';

/** The object as JSON text with the value at `path` replaced by raw JSON, or removed. */
function renderWith(obj: Json, path: readonly string[], raw: string | undefined): string {
  const copy = structuredClone(obj);
  let node = copy;
  for (const k of path.slice(0, -1)) {
    const next = node[k];
    node = (next && typeof next === 'object' ? next : (node[k] = {})) as Json;
  }
  const last = path[path.length - 1];
  if (raw === undefined) delete node[last];
  else node[last] = MARK;
  return JSON.stringify(copy).replace(JSON.stringify(MARK), () => raw ?? '');
}

type SubmitCase = { kind: 'submit'; name: string; make: (svc: LocalService, prefix: string) => SubmitParams };
type QueryCase = { kind: 'query'; name: string; params: Record<string, string> };
type Case = SubmitCase | QueryCase;

/** Replace (or remove, with `undefined`) one field of Input or SnapshotConfig. */
function field(base: Base, param: 'Input' | 'SnapshotConfig', path: string[], value: HostileValue | undefined, extra: Partial<SubmitParams> = {}): SubmitCase {
  const shown = value === undefined ? 'removed' : `= ${value.label}`;
  return {
    kind: 'submit',
    name: `${param}.${path.join('.')} ${shown} (${base})`,
    make: (svc, prefix) => {
      const req = baseRequest(svc, base, prefix);
      const other = param === 'Input' ? 'SnapshotConfig' : 'Input';
      return { [param]: renderWith(req[param], path, value?.json), [other]: JSON.stringify(req[other]), ...extra } as SubmitParams;
    },
  };
}

/** Replace a whole parameter with raw text. */
function whole(param: keyof SubmitParams, label: string, text: string): SubmitCase {
  return {
    kind: 'submit',
    name: `${param} = ${label}`,
    make: (svc, prefix) => {
      const req = baseRequest(svc, 'sync', prefix);
      return { Input: JSON.stringify(req.Input), SnapshotConfig: JSON.stringify(req.SnapshotConfig), [param]: text };
    },
  };
}

const raw = (label: string, json: string): HostileValue => ({ label, json });
const some = (n: number) => Array.from({ length: n }, () => pick(random, HOSTILE_VALUES));

function buildCases(): Case[] {
  const cases: Case[] = [];
  const configFields: [Base, string][] = [
    ['sync', 'Time'], ['sync', 'Width'], ['sync', 'Height'], ['sync', 'FrameType'], ['async', 'Num'], ['async', 'Interval'],
    ['async', 'BlackLevel'], ['async', 'PixelBlackThreshold'], ['async', 'Format'], ['sync', 'TimeArray'], ['async', 'SubOut'],
    ['sprite', 'TileOut'], ['sprite', 'TileOutputFile'], ['sync', 'OutputFile'],
  ];
  for (const [base, name] of configFields) for (const value of some(4)) cases.push(field(base, 'SnapshotConfig', [name], value));

  for (const name of ['Lines', 'Columns', 'CellWidth', 'CellHeight', 'Padding', 'Margin', 'Color', 'IsKeepCellPic', 'CellSelStep']) {
    for (const value of some(3)) cases.push(field('sprite', 'SnapshotConfig', ['TileOut', name], value));
  }
  for (const name of ['Bucket', 'Location', 'Object', 'RoleArn']) {
    for (const value of some(3)) {
      cases.push(field('sync', 'Input', [name], value));
      cases.push(field('sync', 'SnapshotConfig', ['OutputFile', name], value));
    }
  }

  // Missing fields.
  for (const name of ['Bucket', 'Location', 'Object']) {
    cases.push(field('sync', 'Input', [name], undefined));
    cases.push(field('sync', 'SnapshotConfig', ['OutputFile', name], undefined));
  }
  cases.push(field('sync', 'SnapshotConfig', ['OutputFile'], undefined));
  cases.push(field('sync', 'SnapshotConfig', ['Time'], undefined));
  cases.push(field('sprite', 'SnapshotConfig', ['TileOutputFile'], undefined));
  cases.push(field('async', 'SnapshotConfig', ['Num'], undefined, {}));

  // Extra fields are ignored, whatever they hold.
  for (const value of some(2)) {
    cases.push(field('sync', 'Input', ['Extra'], value));
    cases.push(field('sync', 'SnapshotConfig', ['Extra'], value));
    cases.push(field('sync', 'SnapshotConfig', ['OutputFile', 'Extra'], value));
  }

  // Sizes and grids at and past the limits.
  cases.push(field('sync', 'SnapshotConfig', ['Width'], raw('0', '"0"')));
  cases.push(field('sync', 'SnapshotConfig', ['Width'], raw('4097', '4097')));
  cases.push(field('sync', 'SnapshotConfig', ['Height'], raw('4097', '"4097"')));
  for (const [label, tile] of [
    ['10000x10000 of 4096 px cells', { Lines: 10000, Columns: 10000, CellWidth: 4096, CellHeight: 4096 }],
    ['1x10000 of 4096 px cells', { Lines: 1, Columns: 10000, CellWidth: 4096 }],
    ['10000x1 with 4096 px padding and margin', { Lines: 10000, Columns: 1, Padding: 4096, Margin: 4096 }],
    ['Lines 10001', { Lines: 10001, Columns: 1 }],
    ['Columns 1e9', { Lines: 1, Columns: 1e9 }],
  ] as const) {
    cases.push(field('sprite', 'SnapshotConfig', ['TileOut'], raw(label, JSON.stringify(tile))));
  }

  // TimeArray junk.
  for (const json of [
    '[null]', '["a"]', '[1.5]', '[-1]', '[1e400]', '[[1]]', '[{"t":1}]', `[${Array(1001).fill(0).join(',')}]`,
    '{"TimePointList":"x"}', '{"TimePointList":[1,[2]]}', '"[1,2"', '"[100,200]"', '[99999999]', '[2592000001]', nested(5000),
  ]) {
    cases.push(field('sync', 'SnapshotConfig', ['TimeArray'], raw(json.length > 40 ? `${json.slice(0, 30)}...` : json, json)));
  }

  // Placeholders in odd places.
  const placeholder = (path: string[], param: 'Input' | 'SnapshotConfig', text: string, base: Base = 'sync') =>
    cases.push(field(base, param, path, raw(JSON.stringify(text), JSON.stringify(text))));
  placeholder(['Object'], 'Input', '{Count}.mp4');
  placeholder(['Bucket'], 'Input', '{Count}');
  placeholder(['Location'], 'Input', 'oss-{FileName}');
  placeholder(['OutputFile', 'Object'], 'SnapshotConfig', '{Bogus}.jpg');
  placeholder(['OutputFile', 'Object'], 'SnapshotConfig', '{TileCount}.jpg');
  placeholder(['OutputFile', 'Object'], 'SnapshotConfig', '{ObjectPrefix}');
  placeholder(['OutputFile', 'Object'], 'SnapshotConfig', '{Count}{Count}{SnapshotTime}{ExtName}.jpg', 'async');
  placeholder(['OutputFile', 'Object'], 'SnapshotConfig', '%7BCount%7D%7B', 'async');
  placeholder(['TileOutputFile', 'Object'], 'SnapshotConfig', '{Count}.jpg', 'sprite');
  placeholder(['TileOutputFile', 'Object'], 'SnapshotConfig', '{SnapshotTime}-{TileCount}.jpg', 'sprite');
  placeholder(['TileOut', 'Color'], 'SnapshotConfig', '{Count}', 'sprite');

  // Whole parameters.
  const texts: [string, string][] = [
    ['empty', ''], ['a space', ' '], ['null', 'null'], ['[]', '[]'], ['a JSON string', '"text"'], ['1', '1'], ['true', 'true'],
    ['{', '{'], ['{"a":', '{"a":'], ['BOM then {}', '\ufeff{}'], ['{}', '{}'], ['objects 30000 deep', nested(30000, '{"a":', '}', '1')],
    ['arrays 10000 deep', nested(10000)], ['70000 characters', 'x'.repeat(70_000)],
  ];
  for (const [label, text] of texts) {
    cases.push(whole('Input', label, text));
    cases.push(whole('SnapshotConfig', label, text));
  }
  for (let i = 0; i < 6; i++) {
    const seed = Math.floor(random() * 2 ** 31);
    for (const param of ['Input', 'SnapshotConfig'] as const) {
      cases.push({
        kind: 'submit',
        name: `${param} with flipped characters (seed ${seed})`,
        make: (svc, prefix) => {
          const req = baseRequest(svc, 'sync', prefix);
          const r = seededRandom(seed);
          return { Input: JSON.stringify(req.Input), SnapshotConfig: JSON.stringify(req.SnapshotConfig), [param]: mutateText(r, JSON.stringify(req[param])) };
        },
      });
    }
    cases.push(whole(i % 2 ? 'Input' : 'SnapshotConfig', `junk text (seed ${seed})`, junkText(seededRandom(seed), 200)));
  }
  for (const [label, text] of [
    ['not hex', 'not-a-pipeline'], ['upper case', 'A'.repeat(32)], ['33 hex', 'a'.repeat(33)], ['unicode', 'é'.repeat(32)],
    ['a space', ' '], ['JSON', '{"Id":"x"}'],
  ]) {
    cases.push(whole('PipelineId', label, text));
  }
  for (const [label, text] of [
    ['1025 bytes', 'x'.repeat(1025)], ['600 two-byte characters', 'é'.repeat(600)], ['control characters', '\u0001\u0002\t\n'],
    ['JSON', '{"a":[1,2]}'], ['only spaces', '   '],
  ]) {
    cases.push(whole('UserData', label, text));
  }

  const q = (name: string, params: Record<string, string>) => cases.push({ kind: 'query', name: `Query ${name}`, params });
  const id = (n: number) => n.toString(16).padStart(32, '0');
  q('ids: not hex', { SnapshotJobIds: 'x' });
  q('ids: only commas', { SnapshotJobIds: ',,,' });
  q('ids: 11 of them', { SnapshotJobIds: Array.from({ length: 11 }, (_, i) => id(i + 1)).join(',') });
  q('ids: upper case', { SnapshotJobIds: 'A'.repeat(32) });
  q('ids: unicode', { SnapshotJobIds: 'é'.repeat(32) });
  q('ids: 4000 characters', { SnapshotJobIds: 'a'.repeat(4000) });
  for (const size of ['0', '-1', '1e400', 'abc', '301', '1.5', ' ']) q(`MaximumPageSize ${JSON.stringify(size)}`, { MaximumPageSize: size });
  for (const state of ['success', 'Done', '{}']) q(`State ${JSON.stringify(state)}`, { State: state });
  q('a calendar date that does not exist', { StartOfJobCreatedTimeRange: '2024-02-30T00:00:00Z' });
  q('a time that is not MPS format', { EndOfJobCreatedTimeRange: 'yesterday' });
  q('a start after the end', { StartOfJobCreatedTimeRange: '2024-05-20T00:00:00Z', EndOfJobCreatedTimeRange: '2024-05-19T00:00:00Z' });
  q('a forged page token', { NextPageToken: 'junk' });
  q('a 4000-character page token', { NextPageToken: 'x'.repeat(4000) });
  q('a bad pipeline', { PipelineId: 'zz' });
  return cases;
}

// ---- driving the SDKs ----

const CASES = buildCases().map((c, i) => ({ ...c, index: i, client: clientFor(c) }));

/** Long parameters go in a form body: the V3 SDK and GET put everything in the URL. */
function clientFor(c: Case): ClientKind {
  const chosen = pick(random, CLIENT_KINDS);
  if (c.kind === 'query') return Object.values(c.params).some((v) => v.length > 2000) ? 'pop-post' : chosen;
  return chosen;
}

function expectClientError(error: SdkError): void {
  expect(CLIENT_ERROR_CODES).toContain(error.code);
  if (error.statusCode !== undefined) expect(error.statusCode).toBe(CATALOGUE.get(error.code));
  expect(error.message).toMatch(NAMES_A_PARAMETER);
}

describe(`hostile requests (seed ${SEED}, ${CASES.length} cases)`, () => {
  test.each(CASES)('#$index $name via $client', async (c) => {
    const { svc } = local;
    const prefix = `h/${c.index}/`;
    const params = c.kind === 'submit' ? c.make(svc, prefix) : undefined;
    // The V3 SDK and GET carry parameters in the URL; keep those within what a URL carries.
    const client = params && Object.values(params).some((v) => (v ?? '').length > 2000) ? 'pop-post' : c.client;
    const outcome = params ? await settle(submit(svc, client, params)) : await settle(query(svc, client, (c as QueryCase).params));
    if (!outcome.ok) {
      expectClientError(outcome.error);
      expect(await local.listOutputs(prefix)).toEqual([]);
      return;
    }
    if (!params) return;
    // The mutation was still a valid request: the job must end, and a failure must be the caller's.
    const accepted = outcome.value as WireJob;
    const job = accepted.State === 'Success' ? accepted : await waitForFinal(svc, accepted.Id, 30_000, client);
    if (job.State === 'Fail') {
      expect(CLIENT_ERROR_CODES).toContain(job.Code);
      expect(job.Message).toMatch(NAMES_A_PARAMETER);
    }
  });
});

test('URLs longer than a server reads still get an MPS error naming the query', async () => {
  const { svc } = local;
  const req = baseRequest(svc, 'sync', 'h/long-url/');
  for (const kind of ['mts-v3', 'pop-get'] as const) {
    const outcome = await settle(submit(svc, kind, { Input: JSON.stringify(req.Input), SnapshotConfig: JSON.stringify(req.SnapshotConfig), UserData: 'é'.repeat(100_000) }));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expectClientError(outcome.error);
  }
});

test('a request that is not HTTP at all gets an MPS error body, and the connection is closed', async () => {
  const { svc } = local;
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(svc.port, svc.host, () => socket.write('GARBAGE / HTTP/9\r\n\u0000\r\n\r\n'));
    let text = '';
    socket.on('data', (d) => (text += d.toString('utf8')));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
  const [head, body] = answer.split('\r\n\r\n');
  expect(head).toMatch(/^HTTP\/1\.1 400 /);
  expect(JSON.parse(body)).toMatchObject({ Code: 'InvalidParameter', Message: expect.stringContaining('"Request"'), RequestId: expect.any(String) });
});

test('afterwards the service still answers, and nothing was an internal error', async () => {
  const { svc } = local;
  const req = baseRequest(svc, 'sync', 'h/after/');
  const job = await submit(svc, 'mts-v3', { Input: JSON.stringify(req.Input), SnapshotConfig: JSON.stringify(req.SnapshotConfig) });
  expect(job.State).toBe('Success');
  expect(await local.listOutputs('h/after/')).toEqual(['h/after/snap.jpg']);
  const { jobs } = await query(svc, 'pop-get', { SnapshotJobIds: job.Id });
  expect(jobs.map((j) => j.State)).toEqual(['Success']);
  expect(local.events.filter((e) => FAILURE_EVENTS.test(e.event))).toEqual([]);
});
