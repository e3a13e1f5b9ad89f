// Sign-in: the key is checked with GET /console/api/me, which names the key and its role and refuses loop keys.
import * as api from '../api.js';
import * as session from '../session.js';
import { el, field } from '../dom.js';

let signedIn = () => {};
export function whenSignedIn(handler) {
  signedIn = handler;
}

export async function render(view) {
  const key = el('input', { id: 'api-key', type: 'password', name: 'key', autocomplete: 'off', required: true, spellcheck: 'false' });
  const error = el('p', { id: 'signin-error', class: 'error', role: 'alert' });
  const submit = el('button', { type: 'submit' }, 'Sign in');
  const form = el('form', { class: 'signin panel', onsubmit: async event => {
    event.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    try {
      const me = await api.get('/console/api/me', { key: key.value.trim() });
      session.save({ key: key.value.trim(), name: me.name, role: me.role });
      signedIn();
    } catch (e) {
      error.textContent = message(e);
      key.select();
    } finally {
      submit.disabled = false;
    }
  } },
  el('h1', {}, 'Sign in'),
  el('p', { class: 'muted' }, 'Use a finance or admin key. It is kept in this tab only and sent to this gateway as a Bearer header.'),
  field('API key', key), error, submit);
  view.append(form);
  key.focus();
}

function message(error) {
  if (error.status === 403) return 'A loop key cannot sign in: the console is for finance and admin keys.';
  if (error.status === 401) return 'This gateway does not know that key.';
  return `Could not sign in: ${error.message}`;
}
