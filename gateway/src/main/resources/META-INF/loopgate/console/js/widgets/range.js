// The date range (and bucket) form shared by the report pages; its values live in the hash, so a view can be linked.
import { el, field } from '../dom.js';
import { daysAgo } from '../format.js';
import * as router from '../router.js';

/** The range a page shows: the hash's, else the last 30 days (UTC dates, `to` included, as the reports API reads them). */
export function read(params) {
  return { from: params.from || daysAgo(29), to: params.to || daysAgo(0), bucket: params.bucket === 'hour' ? 'hour' : 'day' };
}

export function form(path, range, { buckets = false } = {}) {
  const from = el('input', { type: 'date', name: 'from', value: range.from, required: true });
  const to = el('input', { type: 'date', name: 'to', value: range.to, required: true });
  const bucket = buckets ? el('select', { name: 'bucket' }, el('option', { value: 'day' }, 'Day'), el('option', { value: 'hour' }, 'Hour')) : null;
  if (bucket) bucket.value = range.bucket;
  return el('form', { class: 'inline', 'aria-label': 'Date range', onsubmit: event => {
    event.preventDefault();
    router.go(path, { from: from.value, to: to.value, bucket: bucket?.value });
  } },
  field('From (UTC)', from), field('To (UTC, included)', to), bucket ? field('Buckets', bucket) : null,
  el('button', { type: 'submit' }, 'Show'));
}

/** Every bucket between from and to, so days without calls still show as empty bars. */
export function buckets(range) {
  const out = [];
  const end = Date.parse(`${range.to}T23:59:59Z`);
  const step = range.bucket === 'hour' ? 3_600_000 : 86_400_000;
  for (let t = Date.parse(`${range.from}T00:00:00Z`); t <= end && out.length < 24 * 400; t += step) {
    const iso = new Date(t).toISOString();
    out.push(range.bucket === 'hour' ? iso.slice(0, 13) : iso.slice(0, 10));
  }
  return out;
}
