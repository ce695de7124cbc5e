// Builds DOM nodes from data. Text always goes in as text nodes, never as HTML, so nothing a
// user or a partner agency typed can inject markup into another agency's dashboard.

/**
 * h('button', { class: 'button', onclick: fn, 'aria-label': '…' }, 'text', child, …)
 * Attributes: class, dataset (object), on* (listeners), style (CSS text), boolean true/false, everything else as attribute.
 */
export function h(tag, attributes = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'style') {
      // Through the CSSOM: the Content-Security-Policy forbids inline style attributes, not this.
      el.style.cssText = String(value);
    } else if (name === 'value') {
      el.value = value;
    } else if (name === 'checked') {
      el.checked = Boolean(value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(el, child);
    } else {
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

let nextId = 0;

/** A document-unique id for label/aria wiring. */
export function uid(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}
