// Money comes from the API as decimal strings (no float rounding on the server); shown rounded here.

const usdFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });
const intFormat = new Intl.NumberFormat('en-US');

export function usd(value) {
  const n = Number(value ?? 0);
  return Math.abs(n) > 0 && Math.abs(n) < 0.0001 ? `$${n.toPrecision(2)}` : usdFormat.format(n);
}

export function int(value) {
  return intFormat.format(Number(value ?? 0));
}

export function percent(fraction) {
  return fraction === undefined || fraction === null ? '—' : `${(fraction * 100).toFixed(1)}%`;
}

/** 2026-11-22T14:03:12.345Z → 2026-11-22 14:03 UTC */
export function when(instant) {
  return instant ? `${instant.slice(0, 10)} ${instant.slice(11, 16)} UTC` : '';
}

export function signedUsd(value) {
  const n = Number(value);
  return n > 0 ? `+${usd(n)}` : usd(n);
}

/** UTC dates as the reports API reads them: yyyy-mm-dd. */
export function utcDay(date) {
  return date.toISOString().slice(0, 10);
}

export function daysAgo(days) {
  return utcDay(new Date(Date.now() - days * 86_400_000));
}
