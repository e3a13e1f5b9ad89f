// Provider health from GET /admin/providers, drawn generically: the endpoint is new and its shape may grow.
import * as api from '../api.js';
import { el, table } from '../dom.js';

export async function render(view) {
  view.append(el('h1', {}, 'Providers'));
  const health = await api.getOptional('/admin/providers');
  if (health === null) {
    view.append(el('p', { id: 'providers-unavailable' }, 'Provider health is not available on this gateway.'));
    return;
  }
  const tables = tablesOf(health);
  if (tables.length === 0) view.append(el('pre', {}, JSON.stringify(health, null, 2)));
  for (const { title, rows } of tables) view.append(el('h2', {}, title), generic(rows));
}

/** Tables from an array of objects, a {name: {...}} map, or an object whose fields hold either. */
function tablesOf(data, title = 'Providers') {
  if (Array.isArray(data)) return data.length && data.every(isObject) ? [{ title, rows: data }] : [];
  if (!isObject(data)) return [];
  const entries = Object.entries(data);
  if (entries.length && entries.every(([, v]) => isObject(v))) return [{ title, rows: entries.map(([name, v]) => ({ name, ...v })) }];
  return entries.flatMap(([key, value]) => tablesOf(value, label(key)));
}

function generic(rows) {
  const keys = [...new Set(rows.flatMap(r => Object.keys(r)))];
  return table({ columns: keys.map(k => ({ title: label(k), value: r => cell(k, r[k]), num: typeof rows[0]?.[k] === 'number' })), rows, empty: 'None.' });
}

function cell(key, value) {
  if (value === undefined || value === null) return '';
  if (key === 'state' || key.endsWith('_state')) return el('span', { class: `badge ${String(value).toLowerCase()}` }, String(value));
  if (typeof value === 'number' && /rate|ratio/.test(key) && value <= 1) return `${(value * 100).toFixed(1)}%`;
  if (typeof value === 'object') return el('code', {}, JSON.stringify(value));
  return String(value);
}

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function label(key) {
  return key.replace(/_/g, ' ').replace(/^./, c => c.toUpperCase());
}
