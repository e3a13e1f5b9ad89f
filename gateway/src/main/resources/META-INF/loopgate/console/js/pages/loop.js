// One loop: its daily cost by tier, tier mix, top rules and trip/resume events; admins also get its controls.
import * as api from '../api.js';
import { el, table, section } from '../dom.js';
import { usd, int, percent, when } from '../format.js';
import { draw } from './spend.js';
import * as range from '../widgets/range.js';
import * as csv from '../widgets/csv.js';
import { panel } from '../widgets/loopControl.js';

export async function render(view, { path, params, session, refresh }) {
  const id = path[1];
  const r = { ...range.read(params), bucket: 'day' };
  const loopQuery = { from: r.from, to: r.to, loop: id };
  const admin = session.role === 'admin';
  view.append(el('h1', {}, `Loop ${id}`), range.form(['loop', id], r));
  const [report, daily, ledger] = await Promise.all([
    api.get(`/reports/loops/${encodeURIComponent(id)}${api.query({ from: r.from, to: r.to })}`),
    api.get(`/reports/spend${api.query({ ...loopQuery, group_by: 'day,tier' })}`),
    admin ? api.get(`/admin/loops/${encodeURIComponent(id)}`) : api.get(`/reports/budgets${api.query({ loop: id })}`).then(b => b.data[0]),
  ]);
  const t = report.totals;
  const canvas = el('canvas', { id: 'loop-chart', role: 'img', 'aria-label': `Cost of ${id} per day, stacked by tier` });
  const spendCsv = groupBy => csv.button('Download CSV', `/reports/spend${api.query({ ...loopQuery, group_by: groupBy, format: 'csv' })}`);
  view.append(
    el('div', { class: 'figures' },
      figure('Cost', usd(t.cost_usd)), figure('Calls', int(t.calls)), figure('Tokens', int(t.prompt_tokens + t.completion_tokens)),
      figure('Errors', int(t.errors)), figure('State', ledger?.state ?? '—'), figure('Budget used', percent(ledger?.budget_used))),
    admin ? panel(ledger, refresh) : '',
    section('Cost per day by tier', spendCsv('day,tier')),
    el('div', { class: 'chart-box' }, canvas),
    section('Tier mix', spendCsv('tier')),
    table({ id: 'loop-tiers', columns: [{ title: 'Tier', value: row => row.tier ?? 'none' }, ...MEASURES], rows: report.tiers }),
    section('Top rules', spendCsv('rule')),
    table({ id: 'loop-rules', columns: [{ title: 'Rule', value: row => row.rule }, ...MEASURES], rows: report.top_rules }),
    el('h2', {}, 'Breaker trips, pauses and resumes'),
    table({ id: 'loop-events', columns: EVENTS, rows: report.events, empty: 'None in this range.' }));
  draw(canvas, daily.rows, range.buckets(r), 'day');
}

function figure(label, value) {
  return el('div', {}, el('span', { class: 'muted' }, label), el('b', {}, value));
}

const MEASURES = [
  { title: 'Calls', value: row => int(row.calls), num: true },
  { title: 'Tokens', value: row => int(row.prompt_tokens + row.completion_tokens), num: true },
  { title: 'Cost', value: row => usd(row.cost_usd), num: true },
];

const EVENTS = [
  { title: 'When', value: e => when(e.at) },
  { title: 'What', value: e => e.action.replace(/^loop\./, '') },
  { title: 'By', value: e => e.actor ?? '' },
  { title: 'Breaker', value: e => e.detail?.breaker ?? '' },
  { title: 'Reason or detail', value: e => e.detail?.reason ?? (e.detail ? JSON.stringify(e.detail) : '') },
];
