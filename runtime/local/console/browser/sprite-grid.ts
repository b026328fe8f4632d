/// <reference lib="dom" />
/**
 * A sprite with its cell grid drawn over it on hover, from the job's TileOut (Lines, Columns,
 * Padding, Margin, cell size) exactly as sprite-layout.ts places cells. Without CellWidth/Height
 * the cell is the snapshot size, found from the sheet's own size:
 *   width = 2·Margin + Columns·cell + (Columns − 1)·Padding.
 */
import type { JobView } from './api';
import { h } from './dom';

type Tile = NonNullable<JobView['tile']>;
type Sprite = JobView['sprites'][number];

export function spriteFigure(sprite: Sprite, tile: Tile): HTMLElement {
  const img = h('img', { src: sprite.url, loading: 'lazy', alt: sprite.key });
  const canvas = h('canvas', { class: 'grid' });
  const label = h('figcaption', {}, sprite.key);
  const box = h('div', { class: 'sprite' }, img, canvas);
  const cells = () => cellRects(sprite.cells, tile, img.naturalWidth, img.naturalHeight);

  const draw = (hover?: { x: number; y: number }) => {
    const scale = img.clientWidth / img.naturalWidth;
    canvas.width = img.clientWidth;
    canvas.height = img.clientHeight;
    const g = canvas.getContext('2d')!;
    g.clearRect(0, 0, canvas.width, canvas.height);
    const rects = cells();
    // Margin and padding (everything that is not a cell) tinted, every cell outlined, the hovered one marked.
    g.fillStyle = 'rgba(255, 0, 170, 0.35)';
    g.fillRect(0, 0, canvas.width, canvas.height);
    for (const c of rects) g.clearRect(c.x * scale, c.y * scale, c.w * scale, c.h * scale);
    rects.forEach((c, i) => {
      const on = hover && hover.x >= c.x && hover.x < c.x + c.w && hover.y >= c.y && hover.y < c.y + c.h;
      g.strokeStyle = on ? '#ffd400' : '#00e5ff';
      g.lineWidth = on ? 3 : 1.5;
      g.strokeRect(c.x * scale + g.lineWidth / 2, c.y * scale + g.lineWidth / 2, c.w * scale - g.lineWidth, c.h * scale - g.lineWidth);
      if (on) label.textContent = `${sprite.key} · cell ${i + 1} of ${sprite.cells} · #xywh=${c.x},${c.y},${c.w},${c.h}`;
    });
  };
  box.addEventListener('mousemove', (e) => {
    if (!img.naturalWidth) return;
    const r = img.getBoundingClientRect();
    const scale = img.naturalWidth / r.width;
    draw({ x: (e.clientX - r.left) * scale, y: (e.clientY - r.top) * scale });
  });
  box.addEventListener('mouseleave', () => {
    canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
    label.textContent = sprite.key;
  });
  return h('figure', { class: 'sprite-figure' }, box, label,
    h('div', { class: 'muted small' }, 'cells outlined, margin and padding tinted · ', `${tile.lines}×${tile.columns} grid · Padding ${tile.padding} · Margin ${tile.margin}${tile.cellWidth ? ` · cell ${tile.cellWidth}×${tile.cellHeight ?? '?'}` : ''}`));
}

/** Cell rectangles in sheet pixels; the sheet has `count` cells filled row by row. */
export function cellRects(count: number, tile: Tile, sheetWidth: number, sheetHeight: number): { x: number; y: number; w: number; h: number }[] {
  const rows = Math.ceil(count / tile.columns);
  const w = tile.cellWidth ?? (sheetWidth - 2 * tile.margin - (tile.columns - 1) * tile.padding) / tile.columns;
  const hh = tile.cellHeight ?? (sheetHeight - 2 * tile.margin - (rows - 1) * tile.padding) / rows;
  const out = [];
  for (let k = 0; k < count; k++) {
    const col = k % tile.columns;
    const row = Math.floor(k / tile.columns);
    out.push({ x: tile.margin + col * (w + tile.padding), y: tile.margin + row * (hh + tile.padding), w, h: hh });
  }
  return out;
}
