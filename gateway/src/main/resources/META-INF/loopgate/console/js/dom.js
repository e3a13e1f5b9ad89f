// Building DOM without innerHTML: every text goes in as a text node, so API data can never inject markup.

/** el('a', {href: '#/x', class: 'y'}, 'text', child) — props starting with "on" become listeners. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'class') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name === 'value') node.value = value;
    else if (name in node && typeof value !== 'string') node[name] = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
}

/** A labelled control: the label wraps the input, so clicking the text focuses it. */
export function field(text, input) {
  return el('label', {}, text, input);
}

/**
 * A table from columns [{title, value(row) → text|Node, num}] and rows (rowProps(row) → the
 * row's attributes); `id` names it for tests. Built in one fragment, so 1,000 rows cost one layout.
 */
export function table({ id, caption, columns, rows, rowProps = () => ({}), empty = 'Nothing in this range.' }) {
  const head = el('tr', {}, columns.map(c => el('th', { scope: 'col', class: c.num ? 'num' : undefined }, c.title)));
  const body = el('tbody');
  const fragment = document.createDocumentFragment();
  for (const row of rows) {
    fragment.append(el('tr', rowProps(row), columns.map(c => el('td', { class: c.num ? 'num' : undefined }, c.value(row)))));
  }
  if (rows.length === 0) {
    fragment.append(el('tr', {}, el('td', { colspan: String(columns.length), class: 'muted' }, empty)));
  }
  body.append(fragment);
  return el('table', { id }, caption ? el('caption', {}, caption) : null, el('thead', {}, head), body);
}

/** A heading with actions (e.g. a CSV download) on its right. */
export function section(title, ...actions) {
  return el('div', { class: 'table-head' }, el('h2', {}, title), el('div', { class: 'toolbar' }, actions));
}

let statusTimer;
/** Says something to the user (and to screen readers, through the live region). */
export function announce(message) {
  const status = document.getElementById('status');
  status.textContent = message;
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => { status.textContent = ''; }, 6000);
}
