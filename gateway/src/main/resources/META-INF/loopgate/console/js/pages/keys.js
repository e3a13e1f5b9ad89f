// Admins: every key (gateway.yaml's and those made here), a form to make one, revoke and rotate
// for the ones made here. A new secret is shown once, in the box above the table.
import * as api from '../api.js';
import { el, field, table, announce } from '../dom.js';
import { when } from '../format.js';

export async function render(view, { refresh }) {
  view.append(el('h1', {}, 'Keys'));
  const keys = (await api.get('/admin/keys')).data;
  // After a change the page is drawn again; a new secret then goes into the fresh page's box.
  const afterChange = async (title, issued) => {
    await refresh();
    const box = document.getElementById('new-key');
    if (issued && box) {
      box.replaceChildren(el('h2', {}, title), el('p', {}, 'Copy it now: it is shown this once and kept only as a hash.'),
        el('code', { id: 'new-key-secret' }, issued.key));
      box.hidden = false;
    }
  };
  view.append(
    createForm(afterChange),
    el('div', { id: 'new-key', class: 'panel', hidden: true }),
    table({
      id: 'keys-table',
      columns: [
        { title: 'Name', value: k => k.name },
        { title: 'Role', value: k => k.role },
        { title: 'Source', value: k => (k.source === 'config' ? 'gateway.yaml' : 'admin API') },
        { title: 'Loops', value: k => (k.loops?.length ? k.loops.join(', ') : 'any') },
        { title: 'Run', value: k => k.run ?? '' },
        { title: 'Expires', value: k => (k.expires_at ? `${when(k.expires_at)}${k.expired ? ' (expired)' : ''}` : '') },
        { title: 'Made', value: k => (k.created_at ? `${when(k.created_at)} by ${k.created_by}` : '') },
        { title: 'Action', value: k => (k.source === 'api' ? actions(k, afterChange) : '') },
      ],
      rows: keys,
      rowProps: k => ({ dataset: { key: k.id, name: k.name } }),
      empty: 'No keys.',
    }));
}

function createForm(afterChange) {
  const name = el('input', { name: 'name', id: 'key-name', required: true, size: 24 });
  const role = el('select', { id: 'key-role' }, ['loop', 'finance', 'admin'].map(r => el('option', { value: r }, r)));
  const loops = el('input', { name: 'loops', id: 'key-loops', size: 24, placeholder: 'build-*, nightly' });
  const run = el('input', { name: 'run', id: 'key-run', size: 12 });
  const expires = el('input', { name: 'expires_in', id: 'key-expires', size: 8, placeholder: '24h' });
  const button = el('button', { type: 'submit' }, 'Make key');
  return el('form', { class: 'inline', id: 'key-form', onsubmit: async event => {
    event.preventDefault();
    const body = { name: name.value.trim(), role: role.value };
    const globs = loops.value.split(',').map(s => s.trim()).filter(Boolean);
    if (globs.length) body.loops = globs;
    if (run.value.trim()) body.run = run.value.trim();
    if (expires.value.trim()) body.expires_in = expires.value.trim();
    button.disabled = true;
    try {
      const issued = await api.send('POST', '/admin/keys', body);
      announce(`Key ${issued.name} made.`);
      await afterChange(`New key ${issued.name}`, issued);
    } catch (error) {
      announce(`Not made: ${[error.message, ...error.problems].join(' ')}`);
      button.disabled = false;
    }
  } }, field('Name', name), field('Role', role), field('Loops', loops), field('Run', run), field('Expires in', expires), button);
}

function actions(key, afterChange) {
  const path = `/admin/keys/${encodeURIComponent(key.id)}`;
  const revoke = el('button', { type: 'button', class: 'danger', 'aria-label': `revoke ${key.name}`, onclick: async () => {
    try {
      await api.send('DELETE', path);
      announce(`Key ${key.name} revoked.`);
      await afterChange();
    } catch (error) {
      announce(`Not revoked: ${error.message}`);
    }
  } }, 'Revoke');
  const rotate = el('button', { type: 'button', class: 'secondary', 'aria-label': `rotate ${key.name}`, onclick: async () => {
    try {
      const issued = await api.send('POST', `${path}/rotate`, { overlap: '1h' });
      announce(`Key ${key.name} rotated; its old secret works for an hour.`);
      await afterChange(`New secret for ${key.name}`, issued);
    } catch (error) {
      announce(`Not rotated: ${error.message}`);
    }
  } }, 'Rotate');
  return el('span', { class: 'toolbar' }, rotate, revoke);
}
