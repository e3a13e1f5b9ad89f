// Loops ranked by cost over a range: calls, tokens, tier mix, and how much of its budget each has used.
import * as api from '../api.js';
import { el, field, table, section } from '../dom.js';
import { usd, int, percent } from '../format.js';
import * as router from '../router.js';
import * as range from '../widgets/range.js';
import * as csv from '../widgets/csv.js';
import * as mix from '../widgets/mix.js';

export async function render(view, { params }) {
  const r = range.read(params);
  const ranking = { from: r.from, to: r.to, group_by: 'loop' };
  view.append(el('h1', {}, 'Loops by cost'), range.form(['loops'], r));
  const [loops, tiers, budgets] = await Promise.all([
    api.get(`/reports/spend${api.query(ranking)}`),
    api.get(`/reports/spend${api.query({ from: r.from, to: r.to, group_by: 'loop,tier' })}`),
    api.get('/reports/budgets'),
  ]);
  const mixes = groupTiers(tiers.rows);
  const ledger = new Map(budgets.data.map(b => [b.loop_id, b]));
  const rows = loops.rows.map((row, i) => ({ ...row, rank: i + 1, tiers: mixes.get(row.loop) ?? [], ledger: ledger.get(row.loop) }));
  const list = table({ id: 'loop-table', caption: `${rows.length} loops, highest cost first`, columns: columns(r), rows });
  const filter = el('input', { type: 'search', id: 'loop-filter', oninput: () => {
    const text = filter.value.trim().toLowerCase();
    for (const tr of list.tBodies[0].rows) tr.hidden = text !== '' && !tr.cells[1]?.textContent.toLowerCase().includes(text);
  } });
  view.append(
    section('Ranking', field('Filter loops', filter), csv.button('Download CSV', `/reports/spend${api.query({ ...ranking, format: 'csv' })}`)),
    list);
}

function groupTiers(rows) {
  const byLoop = new Map();
  for (const row of rows) {
    if (!byLoop.has(row.loop)) byLoop.set(row.loop, []);
    byLoop.get(row.loop).push(row);
  }
  return byLoop;
}

function columns(r) {
  return [
    { title: '#', value: row => row.rank, num: true },
    { title: 'Loop', value: row => (row.loop == null ? el('span', { class: 'muted' }, '(no loop)')
      : el('a', { href: router.href(['loop', row.loop], { from: r.from, to: r.to }) }, row.loop)) },
    { title: 'State', value: row => (row.ledger ? el('span', { class: `badge ${row.ledger.state}` }, row.ledger.state) : '') },
    { title: 'Calls', value: row => int(row.calls), num: true },
    { title: 'Tokens', value: row => int(row.prompt_tokens + row.completion_tokens), num: true },
    { title: 'Cost', value: row => usd(row.cost_usd), num: true },
    { title: 'Tier mix (calls)', value: row => (row.tiers.length ? mix.bar(row.tiers) : '') },
    { title: 'Budget used', value: row => (row.ledger?.budget_used === undefined ? 'no budget' : percent(row.ledger.budget_used)), num: true },
  ];
}
