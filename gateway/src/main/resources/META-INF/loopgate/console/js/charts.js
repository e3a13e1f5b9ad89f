// Stacked bars with Chart.js (the UMD build, loaded from the jar's WebJar, sets window.Chart).

const TIER_COLOURS = { frontier: '#7b3fe4', mid: '#2f7de1', light: '#2bb673' };
const OTHER_COLOURS = ['#8c959f', '#bf8700', '#cf222e', '#1b7c83', '#6e7781'];
const TIER_ORDER = ['frontier', 'mid', 'light'];

/** Tiers in their usual order, then others by name; "none" (calls refused before routing) last. */
export function tierOrder(a, b) {
  const rank = t => (TIER_ORDER.includes(t) ? TIER_ORDER.indexOf(t) : t === 'none' ? 99 : 10);
  return rank(a) - rank(b) || a.localeCompare(b);
}

export function tierColour(tier, index = 0) {
  return TIER_COLOURS[tier] ?? OTHER_COLOURS[index % OTHER_COLOURS.length];
}

/** The CSS class of a tier's swatch in tier-mix bars. */
export function tierClass(tier) {
  return TIER_COLOURS[tier] ? `tier-${tier}` : 'tier-other';
}

/**
 * Draws (or redraws) cost stacked by tier over buckets. series: [{name, values}] aligned with
 * labels. No animation: the chart is complete as soon as this returns.
 */
export function stackedBars(canvas, labels, series) {
  Chart.getChart(canvas)?.destroy();
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: series.map((s, i) => ({ label: s.name, data: s.values, backgroundColor: tierColour(s.name, i), stack: 'cost' })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true, grid: { display: false } },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: 'USD' } },
      },
      plugins: { legend: { position: 'bottom' } },
    },
  });
}
