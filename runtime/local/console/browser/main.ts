/// <reference lib="dom" />
/**
 * The console's entry: one page, views chosen by the URL hash (`#/jobs`, `#/job/<id>`, `#/try`,
 * `#/buckets`), so the server serves a single HTML file. A view returns a function that stops
 * whatever it keeps running (polling) when the user leaves it.
 */
import './console.css';
import { renderBuckets } from './buckets-page';
import { renderJob } from './job-page';
import { renderJobs } from './jobs-page';
import { renderTry } from './try-page';

export type View = (root: HTMLElement, params: URLSearchParams, arg: string) => () => void;

const views: Record<string, View> = { jobs: renderJobs, job: renderJob, try: renderTry, buckets: renderBuckets };

let stop: () => void = () => {};

function show(): void {
  const hash = location.hash.replace(/^#\/?/, '') || 'jobs';
  const [path, search = ''] = hash.split('?');
  const [name, ...rest] = path.split('/');
  const view = views[name] ?? renderJobs;
  stop();
  document.querySelectorAll('.overlay').forEach((o) => o.remove()); // a full-size image left open
  const root = document.getElementById('app')!;
  root.replaceChildren();
  document.querySelectorAll<HTMLAnchorElement>('nav a').forEach((a) => a.classList.toggle('active', a.dataset.nav === (name === 'job' ? 'jobs' : name)));
  stop = view(root, new URLSearchParams(search), decodeURIComponent(rest.join('/')));
}

window.addEventListener('hashchange', show);
show();
