// An admin's controls for one loop: pause or resume (a reason is required), the budget override, the ledger's history.
import * as api from '../api.js';
import { el, field, table, announce } from '../dom.js';
import { usd, percent, when } from '../format.js';

/** status: GET /admin/loops/{id}; done(): called after a change, to redraw the page. */
export function panel(status, done) {
  const id = status.loop_id;
  const path = `/admin/loops/${encodeURIComponent(id)}`;
  return el('section', { class: 'panel', id: 'loop-control', 'aria-labelledby': 'control-title' },
    el('h2', { id: 'control-title' }, 'Control'),
    el('p', {}, 'State: ', el('span', { class: `badge ${status.state}`, id: 'loop-state' }, status.state),
      status.paused_by ? ` — ${status.paused_by.breaker}: ${status.paused_by.reason} (${when(status.paused_by.at)})` : ''),
    el('p', {}, `Spent ${usd(status.spent_usd)}`, status.budget.usd ? ` of ${usd(status.budget.usd)} (${status.budget.period})` : ' (no USD budget)',
      `, ${percent(status.budget_used)} used; budget from the ${status.budget.source === 'admin' ? 'admin override' : 'configuration'}.`),
    status.state === 'paused'
      ? reasonForm('resume', `Resume ${id}`, reason => api.send('POST', `${path}/resume`, { reason }), done)
      : reasonForm('pause', `Pause ${id}`, reason => api.send('POST', `${path}/pause`, { reason }), done),
    budgetForm(status, path, done),
    el('h3', {}, 'Ledger history'),
    table({ id: 'loop-history', columns: HISTORY, rows: status.history, empty: 'No trips or resumes yet.' }));
}

/** A form with a required reason, for pausing or resuming; used on the loop page and the control list. */
export function reasonForm(action, label, submit, done) {
  const reason = el('input', { name: 'reason', required: true, size: 40, class: `${action}-reason` });
  const button = el('button', { type: 'submit', class: action === 'pause' ? 'danger' : undefined }, label);
  return el('form', { class: `inline ${action}-form`, onsubmit: async event => {
    event.preventDefault();
    if (!reason.value.trim()) {
      reason.setCustomValidity('A reason is required; it is recorded with your key.');
      reason.reportValidity();
      return;
    }
    button.disabled = true;
    try {
      await submit(reason.value.trim());
      announce(`${label}: done.`);
      done();
    } catch (error) {
      announce(`${label} failed: ${error.message}`);
      button.disabled = false;
    }
  } }, field(`Reason to ${action}`, reason), button);
}

function budgetForm(status, path, done) {
  const usdInput = el('input', { name: 'usd', type: 'number', min: '0', step: 'any', value: status.budget.usd ?? '' });
  const steps = el('input', { name: 'steps', type: 'number', min: '1', step: '1', value: status.budget.steps ?? '' });
  const period = el('select', { name: 'period' }, ['total', 'day', 'month'].map(p => el('option', { value: p }, p)));
  period.value = status.budget.period ?? 'total';
  const save = async body => {
    try {
      await api.send('PUT', `${path}/budget`, body);
      announce('Budget saved.');
      done();
    } catch (error) {
      announce(`Budget not saved: ${error.message}`);
    }
  };
  return el('form', { class: 'inline', id: 'budget-form', 'aria-label': 'Budget', onsubmit: event => {
    event.preventDefault();
    const body = { period: period.value };
    if (usdInput.value) body.usd = usdInput.value;
    if (steps.value) body.steps = Number(steps.value);
    save(body);
  } },
  field('Budget USD', usdInput), field('Steps', steps), field('Period', period),
  el('button', { type: 'submit' }, 'Save budget'),
  el('button', { type: 'button', class: 'secondary', onclick: () => save({}) }, "Use the configuration's budget"));
}

const HISTORY = [
  { title: 'When', value: e => when(e.at) },
  { title: 'Event', value: e => e.event },
  { title: 'Breaker', value: e => e.breaker ?? '' },
  { title: 'Reason', value: e => e.reason ?? '' },
  { title: 'By', value: e => e.by ?? '' },
];
