/// <reference lib="dom" />
/**
 * One job: its state (refreshed until final), the `Input` and `SnapshotConfig` as submitted, its
 * images as lazy-loaded thumbnails (each opens full size with its time and key), its sprites with
 * the cell grid on hover, the thumbnail-track preview for `Format=vtt`, and its notification.
 */
import { api, ApiError, type JobView } from './api';
import { errorBox, formatMs, formatTime, h, replace, stateBadge } from './dom';
import { poll } from './poll';
import { spriteFigure } from './sprite-grid';
import { vttPreview } from './vtt-preview';

/** Thumbnails shown before "show more" (lazy loading keeps even these cheap until scrolled to). */
const FIRST_IMAGES = 200;

export function renderJob(root: HTMLElement, _params: URLSearchParams, id: string): () => void {
  let shownState = '';
  return poll(async (left) => {
    try {
      const view = await api.job(id);
      if (left.aborted) return false;
      // Redraw only when the job moved on: a redraw would reload the images and stop the video.
      if (view.summary.state !== shownState) {
        shownState = view.summary.state;
        replace(root, ...jobSections(view));
      }
      return view.summary.state !== 'Success' && view.summary.state !== 'Fail';
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (left.aborted) return false;
      replace(root, h('h1', {}, 'Job ', h('span', { class: 'mono' }, id)), errorBox(e.code, e.message));
      return false;
    }
  });
}

function jobSections(v: JobView): Node[] {
  const s = v.summary;
  const wire = v.wire as Record<string, unknown>;
  const facts: [string, Node | string][] = [
    ['State', stateBadge(s.state)],
    ['Created (UTC)', formatTime(s.creationTime)],
    ['Mode', s.mode],
    ['Input', h('a', { href: v.input.url, target: '_blank' }, `${v.input.bucket}/${v.input.key}`)],
    ['Pipeline', s.pipelineId ?? '— (not announced)'],
  ];
  if (s.count !== undefined) facts.push(['Count', String(s.count)]);
  if (s.tileCount !== undefined) facts.push(['TileCount', String(s.tileCount)]);
  if (wire.UserData !== undefined) facts.push(['UserData', String(wire.UserData)]);
  const out: Node[] = [
    h('h1', {}, 'Job ', h('span', { class: 'mono' }, s.id)),
    h('dl', { class: 'facts' }, ...facts.flatMap(([k, val]) => [h('dt', {}, k), h('dd', {}, val)])),
  ];
  if (s.code) out.push(errorBox(s.code, s.message ?? '', 'job-error'));
  if (v.vtt) out.push(h('section', {}, h('h2', {}, 'Thumbnail track'), vttPreview(v.input.url, v.vtt.url, v.vtt.key)));
  if (v.sprites.length && v.tile) {
    out.push(h('section', {}, h('h2', {}, `Sprites (${v.sprites.length})`), h('p', { class: 'muted' }, 'Hover over a sprite to see its cell grid.'),
      h('div', { class: 'sprites' }, ...v.sprites.map((sp) => spriteFigure(sp, v.tile!)))));
  }
  if (v.images.length) out.push(h('section', {}, h('h2', {}, `Images (${v.images.length})`), imageGrid(v.images)));
  out.push(
    h('div', { class: 'columns' },
      h('section', {}, h('h2', {}, 'Input'), h('pre', {}, JSON.stringify(wire.Input, null, 2))),
      h('section', {}, h('h2', {}, 'SnapshotConfig'), h('pre', {}, JSON.stringify(v.snapshotConfig, null, 2))),
    ),
  );
  if (wire.MNSMessageResult || v.notificationBody) {
    let body = v.notificationBody ?? '';
    try {
      body = JSON.stringify(JSON.parse(body), null, 2);
    } catch {
      // shown as sent
    }
    out.push(h('section', {}, h('h2', {}, 'Notification'),
      h('div', { class: 'columns' },
        h('div', {}, h('h3', {}, 'MNSMessageResult'), h('pre', {}, JSON.stringify(wire.MNSMessageResult, null, 2))),
        h('div', {}, h('h3', {}, 'Message body sent'), h('pre', { class: 'message-body' }, body)))));
  }
  return out;
}

function imageGrid(images: JobView['images']): HTMLElement {
  const grid = h('div', { class: 'images' });
  const add = (from: number, to: number) => {
    for (const img of images.slice(from, to)) {
      grid.append(h('figure', { class: 'thumb', onclick: () => openFull(img) },
        h('img', { src: img.url, loading: 'lazy', alt: img.key, 'data-key': img.key }),
        h('figcaption', {}, formatMs(img.timeMs))));
    }
  };
  add(0, FIRST_IMAGES);
  if (images.length <= FIRST_IMAGES) return grid;
  const more = h('button', { onclick: () => { add(FIRST_IMAGES, images.length); more.remove(); } }, `Show all ${images.length}`);
  return h('div', {}, grid, more);
}

/** Full size, with its time and object key; click or Escape closes it. */
function openFull(img: JobView['images'][number]): void {
  const close = () => { overlay.remove(); document.removeEventListener('keydown', onKey); };
  const onKey = (e: KeyboardEvent) => e.key === 'Escape' && close();
  const overlay = h('div', { class: 'overlay', onclick: close },
    h('figure', {}, h('img', { src: img.url, alt: img.key }),
      h('figcaption', {}, h('strong', {}, formatMs(img.timeMs)), ` (${img.timeMs} ms) · `, h('a', { href: img.url, target: '_blank', onclick: (e: Event) => e.stopPropagation() }, `${img.bucket}/${img.key}`))));
  document.addEventListener('keydown', onKey);
  document.body.append(overlay);
}
