// A "Download CSV" button: the file is the reports API's own CSV for the same query.
import * as api from '../api.js';
import { el, announce } from '../dom.js';

export function button(label, path) {
  return el('button', { type: 'button', class: 'secondary csv', dataset: { csv: path }, onclick: async event => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      announce(`Saved ${await api.download(path, 'loopgate.csv')}`);
    } catch (error) {
      announce(`Download failed: ${error.message}`);
    } finally {
      button.disabled = false;
    }
  } }, label);
}
