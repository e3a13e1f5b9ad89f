// Admins: every loop by state, paused ones first with why they tripped; pause or resume each with a reason.
import * as api from '../api.js';
import { el, field, table } from '../dom.js';
import { usd, percent, when } from '../format.js';
import * as router from '../router.js';
import { reasonForm } from '../widgets/loopControl.js';

export async function render(view, { refresh }) {
  view.append(el('h1', {}, 'Loop control'));
  const loops = (await api.get('/admin/loops')).data;
  const paused = loops.filter(l => l.state === 'paused').length;
  const list = table({ id: 'control-table', caption: `${paused} paused, ${loops.length - paused} active`, columns: columns(refresh), rows: loops,
    rowProps: l => ({ dataset: { loop: l.loop_id, state: l.state } }), empty: 'No loop has called yet.' });
  const state = el('select', { id: 'state-filter' }, ['all', 'paused', 'active'].map(s => el('option', { value: s }, s)));
  const search = el('input', { type: 'search', id: 'control-filter' });
  const apply = () => {
    const text = search.value.trim().toLowerCase();
    for (const tr of list.tBodies[0].rows) {
      const loop = tr.dataset.loop;
      if (loop === undefined) continue;
      tr.hidden = (state.value !== 'all' && tr.dataset.state !== state.value) || (text !== '' && !loop.toLowerCase().includes(text));
    }
  };
  state.addEventListener('change', apply);
  search.addEventListener('input', apply);
  view.append(el('div', { class: 'toolbar' }, field('State', state), field('Filter loops', search)), list);
}

function columns(refresh) {
  return [
    { title: 'Loop', value: l => el('a', { href: router.href(['loop', l.loop_id]) }, l.loop_id) },
    { title: 'State', value: l => el('span', { class: `badge ${l.state}` }, l.state) },
    { title: 'Why paused', value: l => (l.paused_by ? `${l.paused_by.breaker}: ${l.paused_by.reason} (${when(l.paused_by.at)})` : '') },
    { title: 'Spent', value: l => usd(l.spent_usd), num: true },
    { title: 'Budget', value: l => (l.budget.usd ? `${usd(l.budget.usd)} / ${l.budget.period}` : 'none'), num: true },
    { title: 'Used', value: l => percent(l.budget_used), num: true },
    { title: 'Action', value: l => action(l, refresh) },
  ];
}

/** The button opens a reason form in a row of its own under the loop's row, and focuses it. */
function action(loop, refresh) {
  const verb = loop.state === 'paused' ? 'resume' : 'pause';
  return el('button', { type: 'button', class: verb === 'pause' ? 'secondary' : undefined, 'aria-label': `${verb} ${loop.loop_id}`, onclick: event => {
    const row = event.currentTarget.closest('tr');
    if (row.nextElementSibling?.classList.contains('reason-row')) return row.nextElementSibling.querySelector('input').focus();
    const path = `/admin/loops/${encodeURIComponent(loop.loop_id)}/${verb}`;
    const form = reasonForm(verb, `${verb === 'pause' ? 'Pause' : 'Resume'} ${loop.loop_id}`, reason => api.send('POST', path, { reason }), refresh);
    row.after(el('tr', { class: 'reason-row' }, el('td', { colspan: '7' }, form)));
    form.querySelector('input').focus();
  } }, verb === 'pause' ? 'Pause…' : 'Resume…');
}
