/// <reference lib="dom" />
/**
 * Try a config: an input object, a `SnapshotConfig` editor checked as you type by the API's own
 * request parser (same code, same message as SubmitSnapshotJob would answer), and a submit that
 * runs the job through the service and opens it.
 */
import { api, ApiError, type ConsoleInfo, type SubmitParams } from './api';
import { errorBox, h, replace } from './dom';

type Preset = { name: string; config: (i: ConsoleInfo) => Record<string, unknown> };

const out = (i: ConsoleInfo, object: string) => ({ Bucket: i.outputBucket, Location: i.location, Object: object });

const PRESETS: Preset[] = [
  { name: 'One frame (sync)', config: (i) => ({ OutputFile: out(i, 'console/{FileName}-{SnapshotTime}.jpg'), Time: '5000', Width: '320' }) },
  { name: 'Sequence (async)', config: (i) => ({ OutputFile: out(i, 'console/seq/{FileName}-{Count}.jpg'), Time: '0', Interval: '1', Num: '8', Width: '160' }) },
  {
    name: 'Sprite + WebVTT (async)',
    config: (i) => ({
      OutputFile: out(i, 'console/vtt/{FileName}-{Count}.jpg'),
      TileOutputFile: out(i, 'console/vtt/{FileName}-sprite-{TileCount}.jpg'),
      Time: '0', Interval: '1', Num: '10',
      TileOut: { Lines: '3', Columns: '4', CellWidth: '160', CellHeight: '90', Padding: '4', Margin: '8', IsKeepCellPic: 'false' },
      Format: 'vtt', SubOut: { IsSptFrag: 'true' },
    }),
  },
];

export function renderTry(root: HTMLElement, params: URLSearchParams): () => void {
  let alive = true;
  void api.info().then((info) => {
    if (!alive) return;
    const object = h('input', { id: 'try-object', value: params.get('object') ?? info.sampleKey, size: 40, spellcheck: false });
    const editor = h('textarea', { id: 'try-config', rows: 18, spellcheck: false });
    const notify = h('input', { type: 'checkbox', id: 'try-notify' });
    const status = h('div', { id: 'config-status', class: 'status' });
    const submit = h('button', { id: 'try-submit', class: 'primary' }, 'Submit');
    const presets = h('select', { id: 'try-preset' }, ...PRESETS.map((p, k) => h('option', { value: String(k) }, p.name)));
    const usePreset = () => {
      editor.value = JSON.stringify(PRESETS[Number(presets.value)].config(info), null, 2);
      check();
    };
    presets.addEventListener('change', usePreset);

    const request = (): SubmitParams => ({
      Input: JSON.stringify({ Bucket: info.inputBucket, Location: info.location, Object: object.value.split('/').map(encodeURIComponent).join('/') }),
      SnapshotConfig: editor.value,
      PipelineId: notify.checked ? info.pipelineId : undefined,
    });
    let seq = 0;
    let timer: number | undefined;
    const check = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(async () => {
        const mine = ++seq;
        try {
          const r = await api.validate(request());
          if (mine === seq) replace(status, h('div', { class: 'ok' }, `Valid: ${r.mode === 'sync' ? 'a sync job (the answer waits for the snapshot)' : 'an async job (runs in the background)'}.`));
        } catch (e) {
          if (mine === seq) replace(status, e instanceof ApiError ? errorBox(e.code, e.message, 'config-error') : String(e));
        }
      }, 250);
    };
    for (const el of [object, editor]) el.addEventListener('input', check);
    notify.addEventListener('change', check);
    submit.addEventListener('click', async () => {
      submit.disabled = true;
      replace(status, h('div', { class: 'muted' }, 'Submitting…'));
      try {
        const r = await api.submit(request());
        location.hash = `#/job/${r.id}`;
      } catch (e) {
        replace(status, e instanceof ApiError ? errorBox(e.code, e.message, 'config-error') : String(e));
      } finally {
        submit.disabled = false;
      }
    });

    replace(root,
      h('h1', {}, 'Try a config'),
      h('div', { class: 'form' },
        h('label', {}, `Input object in ${info.inputBucket} `, object, ' ', h('a', { href: `#/buckets?bucket=${info.inputBucket}` }, 'browse')),
        h('label', {}, 'Start from ', presets),
        h('label', {}, 'SnapshotConfig (JSON, as the API takes it)', editor),
        h('label', { class: 'inline' }, notify, ` Announce on the default pipeline (${info.pipelineId.slice(0, 8)}…)`),
        status,
        h('div', {}, submit)));
    usePreset();
  });
  return () => {
    alive = false;
  };
}
