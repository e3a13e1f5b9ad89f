// The rules editor: validate (each problem at its path), simulate over recorded traffic, then apply as a new version.
import * as api from '../api.js';
import { el, field, announce } from '../dom.js';
import { daysAgo, when } from '../format.js';
import * as rulesText from '../rulesText.js';
import * as simulation from '../widgets/simulation.js';

export async function render(view) {
  const current = await api.get('/admin/rules');
  const shown = rulesText.format(current.rules);
  const rows = Math.min(24, Math.max(8, shown.split('\n').length + 1));
  const text = el('textarea', { id: 'rules-text', rows, spellcheck: 'false', value: shown });
  const comment = el('input', { id: 'rules-comment', size: 50 });
  const from = el('input', { type: 'date', id: 'replay-from', value: daysAgo(6), required: true });
  const to = el('input', { type: 'date', id: 'replay-to', value: daysAgo(0), required: true });
  const result = el('div', { id: 'rules-result' });
  const apply = el('button', { type: 'button', id: 'apply', disabled: true }, 'Apply as a new version');
  let simulated = null;  // the text whose simulation is on screen: only that text may be applied
  text.addEventListener('input', () => {
    apply.disabled = text.value !== simulated;
  });

  const run = async (action, button) => {
    button.disabled = true;
    try {
      result.replaceChildren(await action());
    } catch (error) {
      result.replaceChildren(problems(error));
    } finally {
      button.disabled = false;
    }
  };
  const validate = el('button', { type: 'button', id: 'validate', class: 'secondary', onclick: e => run(async () => {
    const answer = await api.send('POST', '/admin/rules/validate', text.value, 'text/plain; charset=utf-8');
    return el('p', { id: 'rules-valid' }, `Valid: ${answer.rules} rules.`);
  }, e.currentTarget) }, 'Validate');
  const simulate = el('button', { type: 'button', id: 'simulate', class: 'secondary', onclick: e => run(async () => {
    const sent = text.value;
    const report = await api.send('POST', '/admin/rules/simulate', { rules: sent, recorded: { from: from.value, to: to.value } });
    simulated = sent;
    apply.disabled = text.value !== simulated;
    return simulation.view(report);
  }, e.currentTarget) }, 'Simulate');
  apply.addEventListener('click', () => run(async () => {
    const version = await api.send('PUT', `/admin/rules${api.query({ comment: comment.value.trim() })}`, text.value, 'text/plain; charset=utf-8');
    header.replaceChildren(describe(version));
    simulated = null;
    apply.disabled = true;
    announce(`Applied as version ${version.version}.`);
    return el('p', { id: 'rules-applied' }, `Applied as version ${version.version}. Calls are routed by it from now on.`);
  }, apply));

  const header = el('p', { id: 'rules-current' }, describe(current));
  view.append(el('h1', {}, 'Rules'), header,
    el('form', { id: 'rules-form', onsubmit: e => e.preventDefault() },
      field('Rules (YAML or JSON; see docs/rules.md)', text),
      el('div', { class: 'toolbar' },
        field('Replay calls recorded from (UTC)', from), field('to (UTC, included)', to),
        field('Comment for the new version', comment)),
      el('div', { class: 'toolbar' }, validate, simulate, apply)),
    result);
}

function describe(version) {
  return `Version ${version.version} by ${version.author}, ${when(version.created_at)}${version.comment ? ` — ${version.comment}` : ''}`;
}

/** Every problem the gateway found, each with the path of what is wrong. */
function problems(error) {
  if (!error.problems?.length) return el('p', { class: 'error', role: 'alert' }, error.message);
  return el('div', { role: 'alert' },
    el('p', { class: 'error' }, `${error.problems.length === 1 ? 'One problem' : `${error.problems.length} problems`}; nothing was changed.`),
    el('ul', { class: 'problems', id: 'rule-problems' }, error.problems.map(text => {
      const p = rulesText.problem(text);
      return el('li', { dataset: { path: p.path } }, el('code', {}, p.path), p.path ? ': ' : '', p.message);
    })));
}
