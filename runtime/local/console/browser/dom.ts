/// <reference lib="dom" />
/** A few DOM helpers, so views read as the markup they build. */

type Child = Node | string | number | null | undefined | false;
type Props = Record<string, unknown>;

/** `h('a', { href: '#/jobs', class: 'x', onclick: fn }, 'text', child)` */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') el.className = String(value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value as EventListener);
    else if (name.startsWith('data-') || name.startsWith('aria-') || name === 'for') el.setAttribute(name, String(value));
    else if (name in el) (el as unknown as Record<string, unknown>)[name] = value;
    else el.setAttribute(name, String(value));
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

export function stateBadge(state: string): HTMLElement {
  return h('span', { class: `state state-${state.toLowerCase()}` }, state);
}

/** `2026-12-02T15:06:18Z` → `2026-12-02 15:06:18` (UTC, as the API reports it). */
export function formatTime(mpsTime: string): string {
  return mpsTime.replace('T', ' ').replace(/Z$/, '');
}

export function formatMs(ms: number): string {
  const s = ms / 1000;
  const m = Math.floor(s / 60);
  return `${m}:${(s - m * 60).toFixed(3).padStart(6, '0')}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** The API's error, shown as the SDKs report it: code, then message. */
export function errorBox(code: string, message: string, id?: string): HTMLElement {
  return h('div', { class: 'error', id }, h('code', { class: 'code' }, code), ' ', h('span', { class: 'message' }, message));
}
