/// <reference lib="dom" />
/** The local input and output buckets, one folder level at a time, and uploads into the input bucket. */
import { api, ApiError, type ConsoleInfo, type Listing } from './api';
import { errorBox, formatBytes, h, replace } from './dom';

const VIDEO = /\.(mp4|mov|m4v|mkv|webm|flv|ts|avi)$/i;
const IMAGE = /\.(jpe?g|png)$/i;

export function renderBuckets(root: HTMLElement, params: URLSearchParams): () => void {
  let alive = true;
  void api.info().then(async (info) => {
    const bucket = params.get('bucket') ?? info.inputBucket;
    const prefix = params.get('prefix') ?? '';
    const link = (b: string, p: string) => `#/buckets?${new URLSearchParams({ bucket: b, ...(p ? { prefix: p } : {}) })}`;
    const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
    replace(root,
      h('div', { class: 'toolbar' }, h('h1', {}, 'Buckets'),
        ...[info.inputBucket, info.outputBucket].map((b) => h('a', { class: `tab${b === bucket ? ' active' : ''}`, href: link(b, '') }, b))),
      breadcrumb(bucket, prefix, link),
      bucket === info.inputBucket ? uploadForm(info, prefix, () => void refresh()) : null,
      body);
    const refresh = async () => {
      let listing: Listing;
      try {
        listing = await api.list(bucket, prefix);
      } catch (e) {
        if (alive) replace(body, e instanceof ApiError ? errorBox(e.code, e.message) : String(e));
        return;
      }
      if (!alive) return;
      const rows = [
        ...listing.folders.map((f) => h('tr', {}, h('td', {}, h('a', { href: link(bucket, f) }, `${f.slice(prefix.length)}`)), h('td', {}), h('td', {}), h('td', {}))),
        ...listing.objects.map((o) => h('tr', { 'data-key': o.key },
          h('td', { class: 'key' }, IMAGE.test(o.key) ? h('img', { class: 'mini', src: o.url, loading: 'lazy', alt: '' }) : null, h('a', { href: o.url, target: '_blank' }, o.key.slice(prefix.length))),
          h('td', { class: 'num' }, formatBytes(o.size)),
          h('td', { class: 'nowrap' }, o.lastModified.replace('T', ' ').replace(/\.\d+Z$/, '')),
          h('td', {}, bucket === info.inputBucket && VIDEO.test(o.key) ? h('a', { href: `#/try?object=${encodeURIComponent(o.key)}` }, 'Try a config') : null))),
      ];
      replace(body,
        h('table', { class: 'objects' }, h('thead', {}, h('tr', {}, ...['Name', 'Size', 'Modified (UTC)', ''].map((t) => h('th', {}, t)))), h('tbody', {}, ...rows)),
        rows.length === 0 ? h('p', { class: 'muted' }, 'Empty.') : null,
        listing.truncated ? h('p', { class: 'muted' }, `Only the first ${rows.length} entries are shown.`) : null);
    };
    await refresh();
  });
  return () => {
    alive = false;
  };
}

function breadcrumb(bucket: string, prefix: string, link: (b: string, p: string) => string): HTMLElement {
  const parts = prefix.split('/').filter(Boolean);
  const crumbs: (Node | string)[] = [h('a', { href: link(bucket, '') }, bucket)];
  parts.forEach((p, i) => crumbs.push(' / ', h('a', { href: link(bucket, `${parts.slice(0, i + 1).join('/')}/`) }, p)));
  return h('div', { class: 'crumbs' }, ...crumbs);
}

function uploadForm(info: ConsoleInfo, prefix: string, uploaded: () => void): HTMLElement {
  const file = h('input', { type: 'file', id: 'upload-file', accept: 'video/*' });
  const key = h('input', { id: 'upload-key', size: 40, placeholder: `${prefix}my-video.mp4`, spellcheck: false });
  const status = h('span', { id: 'upload-status', class: 'status' });
  const button = h('button', { id: 'upload-button', class: 'primary' }, 'Upload');
  file.addEventListener('change', () => {
    if (file.files?.[0]) key.value = prefix + file.files[0].name;
  });
  button.addEventListener('click', async () => {
    const f = file.files?.[0];
    if (!f) return replace(status, 'Choose a file first.');
    if (f.size > info.maxUploadBytes) return replace(status, errorBox('InvalidParameter.OutOfRange', `the file is larger than ${formatBytes(info.maxUploadBytes)}, the most the console accepts.`));
    button.disabled = true;
    replace(status, 'Uploading…');
    try {
      const r = await api.upload(info.inputBucket, key.value, f);
      replace(status, h('span', { class: 'ok', 'data-uploaded': r.key }, `Uploaded ${r.key} (${formatBytes(r.size)}). `), h('a', { href: `#/try?object=${encodeURIComponent(r.key)}` }, 'Try a config'));
      uploaded();
    } catch (e) {
      replace(status, e instanceof ApiError ? errorBox(e.code, e.message) : String(e));
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'upload' }, h('strong', {}, 'Upload a video '), file, ' as ', key, ' ', button, ' ', status);
}
