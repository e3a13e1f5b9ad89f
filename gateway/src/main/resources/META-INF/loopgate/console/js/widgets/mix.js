// A tier-mix bar: each tier's share of a loop's calls, with the same figures as text for screen readers.
import { el } from '../dom.js';
import { tierClass, tierOrder } from '../charts.js';

/** tiers: [{tier, calls}] */
export function bar(tiers) {
  const total = tiers.reduce((sum, t) => sum + t.calls, 0);
  const sorted = [...tiers].sort((a, b) => tierOrder(a.tier ?? 'none', b.tier ?? 'none'));
  const text = sorted.map(t => `${t.tier ?? 'none'} ${Math.round((100 * t.calls) / total)}%`).join(', ');
  const box = el('span', { class: 'mix', role: 'img', 'aria-label': text, title: text });
  for (const t of sorted) {
    const part = el('span', { class: tierClass(t.tier ?? 'none') });
    part.style.width = `${(100 * t.calls) / total}%`;  // CSSOM, which the Content-Security-Policy allows
    box.append(part);
  }
  return box;
}
