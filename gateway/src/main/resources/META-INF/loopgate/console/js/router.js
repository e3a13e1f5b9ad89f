// Hash routes (#/loops?from=...): the console is static files, so the server never needs to know them.

/** The current route: '#/loop/build-7?from=2026-11-01' → {path: ['loop', 'build-7'], params: {from: ...}}. */
export function parse(hash = location.hash) {
  const [path, search = ''] = hash.replace(/^#\/?/, '').split('?');
  return {
    path: path.split('/').filter(Boolean).map(decodeURIComponent),
    params: Object.fromEntries(new URLSearchParams(search)),
  };
}

export function href(path, params = {}) {
  const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== '')).toString();
  return `#/${path.map(encodeURIComponent).join('/')}${search ? `?${search}` : ''}`;
}

/** Goes to a route; going to the one shown draws it again (a form's "Show" reloads its data). */
export function go(path, params) {
  const target = href(path, params);
  if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = target;
}

/** Hashes that are not routes (the skip link's #main) are left alone. */
export function isRoute(hash = location.hash) {
  return hash === '' || hash.startsWith('#/');
}
