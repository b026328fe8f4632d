/// <reference lib="dom" />
/**
 * The latest jobs, newest first, refreshed every second: QuerySnapshotJobList's filter and paging
 * (State, PipelineId, NextPageToken), so it stays as fast as the job store's list at any size.
 * Filters and the page live in the hash, so a view can be bookmarked and reloaded.
 */
import { api, ApiError, type JobSummary } from './api';
import { errorBox, formatTime, h, replace, stateBadge } from './dom';
import { poll } from './poll';

const STATES = ['Submitted', 'Snapshoting', 'Success', 'Fail'];
const PAGE_SIZE = '30';

export function renderJobs(root: HTMLElement, params: URLSearchParams): () => void {
  const state = params.get('State') ?? '';
  const pipeline = params.get('PipelineId') ?? '';
  // Tokens of the pages before this one, so "Newer" can go back (the API pages forward only).
  const trail = (params.get('trail') ?? '').split(',').filter(Boolean);
  const token = trail[trail.length - 1];

  const go = (next: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ State: state, PipelineId: pipeline, ...next })) if (v) q.set(k, v);
    location.hash = `#/jobs?${q}`;
  };
  const stateSelect = h('select', { id: 'filter-state', onchange: () => go({ State: stateSelect.value, trail: undefined }) },
    h('option', { value: '' }, 'any state'), ...STATES.map((s) => h('option', { value: s, selected: s === state }, s)));
  const pipelineSelect = h('select', { id: 'filter-pipeline', onchange: () => go({ PipelineId: pipelineSelect.value, trail: undefined }) },
    h('option', { value: '' }, 'any pipeline'));
  void api.info().then((i) => pipelineSelect.append(h('option', { value: i.pipelineId, selected: pipeline === i.pipelineId }, `default (${i.pipelineId.slice(0, 8)}…)`)));

  const tbody = h('tbody');
  const status = h('div', { class: 'status' });
  const newer = h('button', { disabled: trail.length === 0, onclick: () => go({ trail: trail.slice(0, -1).join(',') || undefined }) }, '← Newer');
  const older = h('button', { disabled: true }, 'Older →');
  let nextToken: string | undefined;
  older.addEventListener('click', () => nextToken && go({ trail: [...trail, nextToken].join(',') }));

  replace(
    root,
    h('div', { class: 'toolbar' }, h('h1', {}, 'Jobs'), h('label', {}, 'State ', stateSelect), h('label', {}, 'Pipeline ', pipelineSelect), h('span', { class: 'spacer' }), newer, older),
    status,
    h('table', { class: 'jobs' },
      h('thead', {}, h('tr', {}, ...['State', 'Created (UTC)', 'Input', 'Frames', 'Mode', 'Pipeline', 'Job'].map((t) => h('th', {}, t)))),
      tbody),
  );

  let shown = '';
  return poll(async (left) => {
    try {
      const page = await api.jobs({ State: state || undefined, PipelineId: pipeline || undefined, NextPageToken: token, MaximumPageSize: PAGE_SIZE });
      if (left.aborted) return;
      // Redraw only what changed, so the table does not flicker under the pointer every second.
      const fingerprint = JSON.stringify(page);
      if (fingerprint === shown) return;
      shown = fingerprint;
      nextToken = page.nextPageToken;
      older.disabled = !nextToken;
      replace(status);
      replace(tbody, ...page.jobs.map(row));
      if (page.jobs.length === 0) tbody.append(h('tr', {}, h('td', { colSpan: 7, class: 'muted' }, 'No jobs yet: submit one with an SDK or with "Try a config".')));
    } catch (e) {
      shown = '';
      if (e instanceof ApiError) replace(status, errorBox(e.code, e.message));
      else throw e;
    }
  });
}

function row(j: JobSummary): HTMLElement {
  const frames = j.count === undefined ? '' : `${j.count}${j.tileCount ? ` · ${j.tileCount} sprite${j.tileCount > 1 ? 's' : ''}` : ''}`;
  return h('tr', { 'data-job-id': j.id, 'data-state': j.state, class: 'clickable', onclick: () => (location.hash = `#/job/${j.id}`) },
    h('td', {}, stateBadge(j.state), j.code ? h('div', { class: 'fail-reason', title: j.message }, h('code', {}, j.code), ' ', j.message) : null),
    h('td', { class: 'nowrap' }, formatTime(j.creationTime)),
    h('td', { class: 'key' }, j.input),
    h('td', { class: 'num' }, frames),
    h('td', {}, j.mode),
    h('td', { class: 'mono' }, j.pipelineId ? `${j.pipelineId.slice(0, 8)}…` : '—'),
    h('td', { class: 'mono' }, h('a', { href: `#/job/${j.id}`, title: j.id }, `${j.id.slice(0, 12)}…`)),
  );
}
