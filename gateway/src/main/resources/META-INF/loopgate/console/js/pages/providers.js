// Provider health from GET /admin/providers: each provider's breaker settings and every target's breaker.
import * as api from '../api.js';
import { el, table } from '../dom.js';

export async function render(view) {
  view.append(el('h1', {}, 'Providers'));
  const health = await api.getOptional('/admin/providers');
  if (health === null) {
    view.append(el('p', { id: 'providers-unavailable' }, 'Provider health is not available on this gateway.'));
    return;
  }
  for (const provider of health.data) {
    const settings = provider.health;
    view.append(
      el('h2', {}, `${provider.provider} (${provider.type})`),
      el('p', { class: 'muted' }, `Opens at ${percent(settings.error_rate)} errors over ${duration(settings.window)} `
        + `(at least ${settings.min_calls} calls); probes again after ${duration(settings.cool_down)}.`),
      table({
        id: `provider-${provider.provider}`,
        columns: [
          { title: 'Model', value: t => t.model },
          { title: 'Upstream model', value: t => t.upstream_model },
          { title: 'Breaker', value: t => el('span', { class: `badge ${t.state}` }, t.state.replace('_', '-')) },
          { title: 'Calls in window', value: t => String(t.calls), num: true },
          { title: 'Failures', value: t => String(t.failures), num: true },
          { title: 'Error rate', value: t => percent(t.error_rate), num: true },
          { title: 'Opened at', value: t => t.opened_at ?? '' },
          { title: 'Next probe', value: t => t.next_probe_at ?? '' },
        ],
        rows: provider.targets,
        rowProps: t => ({ dataset: { model: t.model, state: t.state } }),
        empty: 'No model on this provider.',
      }));
  }
}

/** Java's ISO-8601 durations as people write them: PT1M30S → 1m30s. */
function duration(iso) {
  return iso.replace(/^PT/, '').toLowerCase();
}

function percent(rate) {
  return `${(rate * 100).toFixed(1)}%`;
}
