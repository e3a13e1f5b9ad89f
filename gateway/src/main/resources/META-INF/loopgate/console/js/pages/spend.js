// Finance's overview: cost over time stacked by tier, and the totals per tier, for a date range.
import * as api from '../api.js';
import { el, table, section } from '../dom.js';
import { usd, int } from '../format.js';
import { stackedBars, tierOrder } from '../charts.js';
import * as range from '../widgets/range.js';
import * as csv from '../widgets/csv.js';

export async function render(view, { params }) {
  const r = range.read(params);
  const series = { from: r.from, to: r.to, group_by: `${r.bucket},tier` };
  const byTier = { from: r.from, to: r.to, group_by: 'tier' };
  view.append(el('h1', {}, 'Spend'), range.form(['spend'], r, { buckets: true }));
  const [bucketed, tiers] = await Promise.all([
    api.get(`/reports/spend${api.query(series)}`),
    api.get(`/reports/spend${api.query(byTier)}`),
  ]);
  const totals = tiers.totals;
  const canvas = el('canvas', { id: 'spend-chart', role: 'img', 'aria-label': `Cost per ${r.bucket}, stacked by tier` });
  view.append(
    figures(totals),
    section(`Cost per ${r.bucket} by tier`, csv.button('Download CSV', `/reports/spend${api.query({ ...series, format: 'csv' })}`)),
    el('div', { class: 'chart-box' }, canvas),
    section('By tier', csv.button('Download CSV', `/reports/spend${api.query({ ...byTier, format: 'csv' })}`)),
    table({ id: 'tier-table', columns: TIER_COLUMNS, rows: tiers.rows }));
  draw(canvas, bucketed.rows, range.buckets(r), r.bucket);
}

export function figures(totals) {
  return el('div', { class: 'figures' },
    el('div', {}, el('span', { class: 'muted' }, 'Cost'), el('b', { id: 'total-cost' }, usd(totals.cost_usd))),
    el('div', {}, el('span', { class: 'muted' }, 'Calls'), el('b', {}, int(totals.calls))),
    el('div', {}, el('span', { class: 'muted' }, 'Tokens'), el('b', {}, int(totals.prompt_tokens + totals.completion_tokens))),
    el('div', {}, el('span', { class: 'muted' }, 'Errors'), el('b', {}, int(totals.errors))));
}

/** Rows of {<bucket>, tier, cost_usd} as one dataset per tier over every bucket of the range. */
export function draw(canvas, rows, labels, bucket) {
  const index = new Map(labels.map((label, i) => [label, i]));
  const byTier = new Map();
  for (const row of rows) {
    const tier = row.tier ?? 'none';
    if (!byTier.has(tier)) byTier.set(tier, new Array(labels.length).fill(0));
    const i = index.get(row[bucket]);
    if (i !== undefined) byTier.get(tier)[i] += Number(row.cost_usd);
  }
  const series = [...byTier.keys()].sort(tierOrder).map(name => ({ name, values: byTier.get(name) }));
  return stackedBars(canvas, labels, series);
}

const TIER_COLUMNS = [
  { title: 'Tier', value: row => row.tier ?? 'none (refused before routing)' },
  { title: 'Calls', value: row => int(row.calls), num: true },
  { title: 'Errors', value: row => int(row.errors), num: true },
  { title: 'Prompt tokens', value: row => int(row.prompt_tokens), num: true },
  { title: 'Completion tokens', value: row => int(row.completion_tokens), num: true },
  { title: 'Cost', value: row => usd(row.cost_usd), num: true },
];
