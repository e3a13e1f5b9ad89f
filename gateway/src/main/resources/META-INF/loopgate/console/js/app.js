// Boot: restore the session, draw the navigation the key's role may use, route hash changes to pages.
import * as api from './api.js';
import * as session from './session.js';
import * as router from './router.js';
import { el, announce } from './dom.js';
import * as signin from './pages/signin.js';
import * as spend from './pages/spend.js';
import * as loops from './pages/loops.js';
import * as loop from './pages/loop.js';
import * as control from './pages/control.js';
import * as rules from './pages/rules.js';
import * as history from './pages/history.js';
import * as providers from './pages/providers.js';
import * as keys from './pages/keys.js';
import * as approvals from './pages/approvals.js';

/** Pages by route; `admin` pages are neither linked nor rendered for a finance key (the API refuses them anyway). */
const PAGES = {
  spend: { page: spend, title: 'Spend' },
  loops: { page: loops, title: 'Loops' },
  loop: { page: loop, title: 'Loop', hidden: true },
  control: { page: control, title: 'Loop control', admin: true },
  approvals: { page: approvals, title: 'Approvals', admin: true },
  rules: { page: rules, title: 'Rules', admin: true },
  history: { page: history, title: 'Rule versions', admin: true },
  providers: { page: providers, title: 'Providers', admin: true },
  keys: { page: keys, title: 'Keys', admin: true },
};

const main = document.getElementById('main');
let generation = 0;

function drawChrome() {
  const who = session.current();
  const nav = document.getElementById('nav');
  nav.hidden = !who;
  document.getElementById('who').hidden = !who;
  if (!who) return;
  document.getElementById('who-name').textContent = `${who.name} (${who.role})`;
  nav.replaceChildren(...Object.entries(PAGES)
    .filter(([, p]) => !p.hidden && (!p.admin || who.role === 'admin'))
    .map(([name, p]) => el('a', { href: router.href([name]), dataset: { route: name } }, p.title)));
}

async function show() {
  if (!router.isRoute()) return;
  const mine = ++generation;
  const who = session.current();
  const { path, params } = router.parse();
  const name = who ? (PAGES[path[0]] ? path[0] : 'spend') : 'signin';
  const entry = name === 'signin' ? { page: signin, title: 'Sign in' } : PAGES[name];
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.route === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${entry.title} · Loopgate console`;
  const view = el('div', { class: `page page-${name}` });
  main.replaceChildren(view);
  main.setAttribute('aria-busy', 'true');
  main.dataset.page = name;
  try {
    if (entry.admin && who.role !== 'admin') {
      view.append(el('h1', {}, entry.title), el('p', {}, 'This page is for admin keys.'));
    } else {
      await entry.page.render(view, { path, params, session: who, refresh: show });
    }
  } catch (error) {
    if (mine === generation) view.append(el('p', { class: 'error', role: 'alert' }, error.message));
  } finally {
    if (mine === generation) {
      performance.mark(`console:${name}:ready`);  // User Timing: how long a page took, for whoever measures
      main.setAttribute('aria-busy', 'false');
      // Keyboard and screen-reader users start on the new page's heading, unless the page put focus somewhere.
      const heading = view.querySelector('h1');
      if (heading && !main.contains(document.activeElement)) {
        heading.setAttribute('tabindex', '-1');
        heading.focus({ preventScroll: true });
      }
    }
  }
}

/** Signing out (or in) keeps the hash, so the next sign-in lands on the page that was open. */
function signOut(message) {
  session.clear();
  drawChrome();
  show();
  if (message) announce(message);
}

api.whenUnauthorized(() => signOut('The gateway no longer accepts this key; sign in again.'));
document.getElementById('sign-out').addEventListener('click', () => signOut('Signed out.'));
document.getElementById('skip').addEventListener('click', event => {
  event.preventDefault();
  main.focus();
});
signin.whenSignedIn(() => {
  drawChrome();
  show();
});
window.addEventListener('hashchange', show);
drawChrome();
show();
