// What a simulation answered: the traffic it replayed, the tier mix and cost before and after, each loop's change.
import { el, table } from '../dom.js';
import { usd, int, signedUsd, when } from '../format.js';
import { tierOrder } from '../charts.js';

export function view(report) {
  const tiers = [...new Set([...Object.keys(report.before.tiers), ...Object.keys(report.after.tiers)])].sort(tierOrder);
  const rows = tiers.map(tier => ({ tier, before: report.before.tiers[tier], after: report.after.tiers[tier] }));
  rows.push({ tier: 'rejected', before: { calls: report.before.rejected }, after: { calls: report.after.rejected } });
  const shown = report.loops.slice(0, 50);
  return el('section', { id: 'simulation', 'aria-labelledby': 'simulation-title' },
    el('h2', { id: 'simulation-title' }, 'Simulation'),
    el('p', { id: 'simulation-source' }, source(report)),
    el('p', { class: 'figures' },
      el('div', {}, el('span', { class: 'muted' }, 'Cost now'), el('b', { id: 'cost-before' }, usd(report.before.cost_usd))),
      el('div', {}, el('span', { class: 'muted' }, 'Cost with the change'), el('b', { id: 'cost-after' }, usd(report.after.cost_usd))),
      el('div', {}, el('span', { class: 'muted' }, 'Change'), el('b', { class: deltaClass(report.delta_usd) }, signedUsd(report.delta_usd)))),
    table({ id: 'simulation-tiers', caption: 'Tier mix', columns: TIER_COLUMNS, rows, rowProps: r => ({ dataset: { tier: r.tier } }) }),
    table({ id: 'simulation-loops', caption: report.loops.length > shown.length
      ? `Per loop, largest change first (${shown.length} of ${report.loops.length})` : 'Per loop, largest change first',
    columns: LOOP_COLUMNS, rows: shown, empty: 'No recorded calls in this window.' }));
}

function source(report) {
  const t = report.traffic ?? {};
  const against = `against version ${report.before.version}`;
  if (t.source !== 'audit') return `Replayed ${int(report.calls)} calls ${against}.`;
  return `Replayed ${int(t.calls)} calls recorded from ${when(t.from)} to ${when(t.to)}${t.truncated ? ' (the newest only)' : ''}, ${against}.`
    + ' Facts the audit does not keep (tools, images, headers, metadata, budget used, repeats) replay as absent.';
}

function deltaClass(delta) {
  const n = Number(delta);
  return n > 0 ? 'delta-up' : n < 0 ? 'delta-down' : undefined;
}

const TIER_COLUMNS = [
  { title: 'Tier', value: r => r.tier },
  { title: 'Calls now', value: r => int(r.before?.calls ?? 0), num: true },
  { title: 'Calls after', value: r => int(r.after?.calls ?? 0), num: true },
  { title: 'Cost now', value: r => (r.before?.cost_usd === undefined ? '' : usd(r.before.cost_usd)), num: true },
  { title: 'Cost after', value: r => (r.after?.cost_usd === undefined ? '' : usd(r.after.cost_usd)), num: true },
];

const LOOP_COLUMNS = [
  { title: 'Loop', value: l => l.loop_id },
  { title: 'Cost now', value: l => usd(l.before_usd), num: true },
  { title: 'Cost after', value: l => usd(l.after_usd), num: true },
  { title: 'Change', value: l => el('span', { class: deltaClass(l.delta_usd) }, signedUsd(l.delta_usd)), num: true },
];
