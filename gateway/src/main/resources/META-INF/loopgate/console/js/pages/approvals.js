// Admins: the tool calls held for a human, each with the calls the model proposed and their arguments;
// approve or reject each with a reason (the loop is told a rejection's reason), and what was decided lately.
import * as api from '../api.js';
import { el, field, table, announce } from '../dom.js';
import { when } from '../format.js';
import * as router from '../router.js';

export async function render(view, { refresh }) {
  view.append(el('h1', {}, 'Approvals'));
  const all = (await api.get('/admin/approvals')).data;
  const pending = all.filter(a => a.state === 'pending');
  view.append(
    table({ id: 'approvals-pending', caption: `${pending.length} waiting for a decision`, columns: [...COLUMNS, { title: 'Decide', value: a => decideForm(a, refresh) }],
      rows: pending, rowProps: a => ({ dataset: { approval: a.id } }), empty: 'No call is waiting for approval.' }),
    el('h2', {}, 'Decided'),
    table({ id: 'approvals-decided', columns: [...COLUMNS, ...DECIDED], rows: all.filter(a => a.state !== 'pending'),
      rowProps: a => ({ dataset: { approval: a.id, state: a.state } }), empty: 'Nothing decided yet.' }));
}

const COLUMNS = [
  { title: 'Held', value: a => when(a.created_at) },
  { title: 'Loop', value: a => el('a', { href: router.href(['loop', a.loop_id]) }, a.loop_id) },
  { title: 'Run', value: a => a.run ?? '' },
  { title: 'Proposed calls', value: a => el('div', {}, a.calls.map(c => el('div', { class: 'held-call' }, el('b', {}, c.tool), el('pre', { class: 'arguments' }, c.arguments)))) },
];

const DECIDED = [
  { title: 'State', value: a => el('span', { class: `badge ${a.state === 'rejected' ? 'bad' : 'ok'}` }, a.state) },
  { title: 'By', value: a => a.decided_by ?? '' },
  { title: 'Reason', value: a => a.reason ?? '' },
  { title: 'Decided', value: a => when(a.decided_at) },
];

/** One reason, two buttons: the reason is required for either, and recorded with the admin's key. */
function decideForm(approval, done) {
  const reason = el('input', { name: 'reason', required: true, size: 30, class: 'decide-reason' });
  const decide = async verdict => {
    if (!reason.value.trim()) {
      reason.setCustomValidity('A reason is required; it is recorded with your key.');
      reason.reportValidity();
      return;
    }
    for (const button of form.querySelectorAll('button')) button.disabled = true;
    try {
      await api.send('POST', `/admin/approvals/${encodeURIComponent(approval.id)}/${verdict}`, { reason: reason.value.trim() });
      announce(`Approval ${approval.id}: ${verdict === 'approve' ? 'approved' : 'rejected'}.`);
      done();
    } catch (error) {
      announce(`Approval ${approval.id} not decided: ${error.message}`);
      for (const button of form.querySelectorAll('button')) button.disabled = false;
    }
  };
  reason.addEventListener('input', () => reason.setCustomValidity(''));
  const form = el('form', { class: 'inline decide-form', onsubmit: event => event.preventDefault() },
    field('Reason', reason),
    el('button', { type: 'button', class: 'approve', 'aria-label': `approve ${approval.id}`, onclick: () => decide('approve') }, 'Approve'),
    el('button', { type: 'button', class: 'danger reject', 'aria-label': `reject ${approval.id}`, onclick: () => decide('reject') }, 'Reject'));
  return form;
}
