// One loop: its daily cost by tier, tier mix, top rules, spend by run and its events (trips, resumes, warnings,
// approvals); admins also get its controls and its runs' state, with a resume for a paused run.
import * as api from '../api.js';
import { el, table, section } from '../dom.js';
import { usd, int, percent, when } from '../format.js';
import { draw } from './spend.js';
import * as range from '../widgets/range.js';
import * as csv from '../widgets/csv.js';
import { panel, reasonForm } from '../widgets/loopControl.js';

export async function render(view, { path, params, session, refresh }) {
  const id = path[1];
  const r = { ...range.read(params), bucket: 'day' };
  const loopQuery = { from: r.from, to: r.to, loop: id };
  const admin = session.role === 'admin';
  view.append(el('h1', {}, `Loop ${id}`), range.form(['loop', id], r));
  const [report, daily, ledger, runs] = await Promise.all([
    api.get(`/reports/loops/${encodeURIComponent(id)}${api.query({ from: r.from, to: r.to })}`),
    api.get(`/reports/spend${api.query({ ...loopQuery, group_by: 'day,tier' })}`),
    admin ? api.get(`/admin/loops/${encodeURIComponent(id)}`) : api.get(`/reports/budgets${api.query({ loop: id })}`).then(b => b.data[0]),
    admin ? api.get(`/admin/loops/${encodeURIComponent(id)}/runs`).then(r => r.data) : null,
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
    section('Spend by run'),
    table({ id: 'loop-runs-spend', columns: [{ title: 'Run', value: row => row.run ?? 'none' }, ...MEASURES], rows: report.runs, empty: 'No runs in this range.' }),
    runs ? el('h2', {}, 'Runs') : '',
    runs ? table({ id: 'loop-runs', columns: runColumns(id, refresh), rows: runs, rowProps: run => ({ dataset: { run: run.run, state: run.state } }), empty: 'No runs yet.' }) : '',
    el('h2', {}, 'Breaker trips, pauses, resumes, warnings and approvals'),
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

function runColumns(loopId, refresh) {
  return [
    { title: 'Run', value: run => run.run },
    { title: 'State', value: run => el('span', { class: `badge ${run.state}` }, run.state) },
    { title: 'Why paused', value: run => (run.paused_by ? `${run.paused_by.breaker}: ${run.paused_by.reason} (${when(run.paused_by.at)})` : '') },
    { title: 'Spent', value: run => usd(run.spent_usd), num: true },
    { title: 'Steps', value: run => int(run.steps), num: true },
    { title: 'Last call', value: run => when(run.last_call_at) },
    { title: 'Action', value: run => (run.state === 'paused'
      ? reasonForm('resume', `Resume run ${run.run}`, reason => api.send('POST',
        `/admin/loops/${encodeURIComponent(loopId)}/runs/${encodeURIComponent(run.run)}/resume`, { reason }), refresh)
      : '') },
  ];
}

/** A warning says which cap and how far; other events their reason, or their detail as it is. */
function detailOf(e) {
  const d = e.detail;
  if (!d) return '';
  if (e.action === 'loop.warning') {
    const used = d.cap === 'usd' ? `${usd(d.used_usd)} of ${usd(d.limit_usd)}` : d.cap === 'steps' ? `${int(d.used)} of ${int(d.limit)} steps` : `${int(d.used_ms / 60000)} of ${int(d.limit_ms / 60000)} min`;
    return `${d.run ? `run ${d.run}: ` : ''}${percent(d.fraction)} of its ${d.cap} cap (${used})`;
  }
  if (e.action.startsWith('approval.')) {
    return `${d.approval_id}: ${(d.calls ?? []).map(c => c.tool).join(', ')}${d.reason ? ` — ${d.reason}` : ''}`;
  }
  return d.reason ?? JSON.stringify(d);
}

const EVENTS = [
  { title: 'When', value: e => when(e.at) },
  { title: 'What', value: e => e.action.replace(/^loop\./, '') },
  { title: 'By', value: e => e.actor ?? '' },
  { title: 'Breaker', value: e => e.detail?.breaker ?? '' },
  { title: 'Reason or detail', value: detailOf },
];
