// Rule versions, newest first: what each changed against the current rules (a line diff), and rollback.
import * as api from '../api.js';
import { el, field, table, announce } from '../dom.js';
import { when } from '../format.js';
import * as rulesText from '../rulesText.js';
import * as diff from '../diff.js';

export async function render(view, { refresh }) {
  const versions = (await api.get('/admin/rules/versions')).data;
  const detail = el('div', { id: 'version-detail', 'aria-live': 'polite' });
  view.append(el('h1', {}, 'Rule versions'),
    table({ id: 'versions-table', columns: columns(detail, refresh), rows: versions, rowProps: v => ({ dataset: { version: v.version } }) }),
    detail);
}

function columns(detail, refresh) {
  return [
    { title: 'Version', value: v => (v.current ? `${v.version} (current)` : String(v.version)), num: true },
    { title: 'Author', value: v => v.author },
    { title: 'When', value: v => when(v.created_at) },
    { title: 'Comment', value: v => v.comment ?? '' },
    { title: '', value: v => (v.current ? '' : el('span', { class: 'toolbar' },
      el('button', { type: 'button', class: 'secondary', 'aria-label': `Diff version ${v.version} with the current rules`,
        onclick: () => showDiff(v.version, detail) }, 'Diff with current'),
      el('button', { type: 'button', class: 'secondary', 'aria-label': `Roll back to version ${v.version}`,
        onclick: () => confirmRollback(v.version, detail, refresh) }, 'Roll back…'))) },
  ];
}

async function showDiff(version, detail) {
  const [old, current] = await Promise.all([api.get(`/admin/rules/versions/${version}`), api.get('/admin/rules')]);
  const lines = diff.lines(rulesText.format(old.rules), rulesText.format(current.rules));
  const changed = lines.filter(l => l.op !== ' ').length;
  detail.replaceChildren(
    el('h2', { tabindex: '-1' }, `Version ${version} → current (version ${current.version})`),
    el('p', { class: 'muted' }, changed === 0 ? 'No difference.' : 'Lines starting with - are only in the old version, + only in the current one.'),
    el('pre', { class: 'diff', id: 'rules-diff' }, lines.map(l => el('span', { class: l.op === '+' ? 'add' : l.op === '-' ? 'del' : 'same' }, `${l.op} ${l.text}`))));
  detail.querySelector('h2').focus();
}

function confirmRollback(version, detail, refresh) {
  const comment = el('input', { id: 'rollback-comment', size: 40 });
  detail.replaceChildren(el('form', { class: 'inline panel', id: 'rollback-form', onsubmit: async event => {
    event.preventDefault();
    try {
      const published = await api.send('POST', `/admin/rules/rollback/${version}${api.query({ comment: comment.value.trim() })}`);
      announce(`Version ${version}'s rules are current again, as version ${published.version}.`);
      refresh();
    } catch (error) {
      detail.append(el('p', { class: 'error', role: 'alert' }, error.message));
    }
  } },
  el('p', {}, `Publish version ${version}'s rules again, as a new version?`),
  field('Comment (optional)', comment),
  el('button', { type: 'submit' }, `Roll back to version ${version}`)));
  comment.focus();
}
