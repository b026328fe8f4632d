/// <reference lib="dom" />
/**
 * The thumbnail-track preview, done the way players use such tracks: the input plays in a
 * `<video>`, the job's WebVTT file is its `<track kind="metadata">` (so Chromium's own WebVTT
 * parser reads the cues), and hovering over the seek bar shows the image the cue covering that
 * time names, cropped by its `#xywh=x,y,w,h` fragment (resolved relative to the VTT's URL).
 */
import { formatMs, h } from './dom';

export function vttPreview(videoUrl: string, vttUrl: string, vttKey: string): HTMLElement {
  const video = h('video', { src: videoUrl, preload: 'metadata', muted: true, playsInline: true });
  const track = h('track', { kind: 'metadata', src: vttUrl, default: true });
  video.append(track);
  const played = h('div', { class: 'played' });
  const bar = h('div', { class: 'seekbar', id: 'vtt-seekbar' }, played);
  const canvas = h('canvas', { id: 'vtt-thumb' });
  const caption = h('div', { class: 'preview-caption' });
  const preview = h('div', { class: 'preview', id: 'vtt-preview', hidden: true }, canvas, caption);
  const playButton = h('button', { onclick: () => (video.paused ? void video.play() : video.pause()) }, '▶');
  const clock = h('span', { class: 'mono small' }, '0:00.000');
  video.addEventListener('play', () => (playButton.textContent = '❚❚'));
  video.addEventListener('pause', () => (playButton.textContent = '▶'));
  video.addEventListener('timeupdate', () => {
    played.style.width = `${(100 * video.currentTime) / (video.duration || 1)}%`;
    clock.textContent = formatMs(video.currentTime * 1000);
  });

  const cues = (): TextTrackCueList | null => {
    const t = video.textTracks[0];
    if (t && t.mode === 'disabled') t.mode = 'hidden'; // load the cues without rendering them
    return t?.cues ?? null;
  };
  const duration = () => {
    if (Number.isFinite(video.duration) && video.duration > 0) return video.duration;
    const list = cues();
    return list && list.length ? list[list.length - 1].endTime : 0;
  };
  const timeAt = (clientX: number) => {
    const r = bar.getBoundingClientRect();
    return Math.min(1, Math.max(0, (clientX - r.left) / r.width)) * duration();
  };
  const images = new Map<string, Promise<HTMLImageElement>>();
  const load = (url: string) => {
    let p = images.get(url);
    if (!p) {
      const img = new Image();
      img.src = url;
      p = img.decode().then(() => img);
      images.set(url, p);
    }
    return p;
  };
  let hoverSeq = 0;

  bar.addEventListener('mousemove', async (e) => {
    const t = timeAt(e.clientX);
    const list = cues();
    if (!list) return;
    let cue: VTTCue | undefined;
    for (let i = 0; i < list.length; i++) {
      const c = list[i] as VTTCue;
      if (c.startTime <= t && t < c.endTime) cue = c;
    }
    if (!cue) return;
    const seq = ++hoverSeq;
    const target = new URL(cue.text.trim(), new URL(vttUrl, location.href));
    const m = /^#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(target.hash);
    target.hash = '';
    const img = await load(target.href);
    if (seq !== hoverSeq) return; // the pointer moved on while the image loaded
    const [x, y, w, hh] = m ? m.slice(1).map(Number) : [0, 0, img.naturalWidth, img.naturalHeight];
    canvas.width = w;
    canvas.height = hh;
    canvas.getContext('2d')!.drawImage(img, x, y, w, hh, 0, 0, w, hh);
    caption.textContent = `${formatMs(t * 1000)}\n${m ? `xywh=${x},${y},${w},${hh}` : target.pathname.split('/').pop()}`;
    caption.title = cue.text.trim();
    preview.dataset.time = String(t);
    preview.dataset.target = cue.text.trim();
    preview.hidden = false;
    const r = bar.getBoundingClientRect();
    preview.style.left = `${Math.min(Math.max(0, e.clientX - r.left - w / 2), r.width - w)}px`;
  });
  bar.addEventListener('mouseleave', () => {
    hoverSeq++;
    preview.hidden = true;
  });
  bar.addEventListener('click', (e) => {
    video.currentTime = timeAt(e.clientX);
  });

  return h('div', { class: 'vtt' },
    video,
    h('div', { class: 'controls' }, playButton, h('div', { class: 'bar-wrap' }, bar, preview), clock),
    h('p', { class: 'muted small' }, 'Hover over the bar to see the thumbnail the track names for that time; click to seek. Track: ',
      h('a', { href: vttUrl, target: '_blank' }, vttKey)));
}
