// The signed-in key lives in sessionStorage: gone when the tab closes, never in a cookie, so no CSRF.
const STORE = 'loopgate.console';

export function current() {
  try {
    return JSON.parse(sessionStorage.getItem(STORE));
  } catch {
    return null;
  }
}

export function save(session) {
  sessionStorage.setItem(STORE, JSON.stringify(session));
}

export function clear() {
  sessionStorage.removeItem(STORE);
}

export function isAdmin() {
  return current()?.role === 'admin';
}
