// Rules as the editor shows them: a JSON array with one rule per line, so a line diff is a rule diff.

export function format(rules) {
  if (!rules || rules.length === 0) return '[]\n';
  return `[\n${rules.map(rule => `  ${inline(rule)}`).join(',\n')}\n]\n`;
}

function inline(value) {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** 'rules[2].when.step: expected ...' → {path: 'rules[2].when.step', message: 'expected ...'} */
export function problem(text) {
  const at = text.indexOf(': ');
  return at < 0 ? { path: '', message: text } : { path: text.slice(0, at), message: text.slice(at + 2) };
}
