// What the administration page's lists share (agencies, users): the word filter, the table, and
// loading the list anew after each change.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, request } from '../api.js';
import { problemMessage } from '../forms.js';
import { submitted } from './formState.js';

/** Whether every word of <paramref name="filter"/> occurs in one of <paramref name="texts"/>, ignoring case. */
export function matchesWords(texts, filter) {
  if (!filter) {
    return true;
  }
  const text = texts.join(' ').toLowerCase();
  return filter.toLowerCase().split(/\s+/).filter(Boolean).every((word) => text.includes(word));
}

/** A data table captioned <paramref name="captionKey"/> with one column per key of <paramref name="columnKeys"/>. */
export function dataTable(id, captionKey, columnKeys, body) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'data', id },
      h('caption', {}, t(captionKey)),
      h('thead', {}, h('tr', {}, columnKeys.map((key) => h('th', { scope: 'col' }, t(key))))),
      body));
}

/**
 * A loader of the list at <paramref name="url"/>: hands each list read to <paramref name="onList"/>,
 * or shows the problem in <paramref name="result"/>, unless <paramref name="disposed"/> says the page is gone.
 */
export function listLoader(url, onList, result, disposed) {
  return async () => {
    try {
      const list = await get(url);
      if (!disposed()) {
        onList(list);
      }
    } catch (error) {
      if (!disposed()) {
        result.replaceChildren(h('p', { role: 'alert' }, problemMessage(error)));
      }
    }
  };
}

/**
 * Creates (POST, with an Idempotency-Key that a retry of the same request after no answer reuses) or
 * edits (PUT) from a form: what was saved, or null once the form shows why not.
 */
export async function saveCreateOrEdit(form, retryKey, creating, createUrl, editUrl, body) {
  const payload = JSON.stringify(body);
  const key = creating ? retryKey.keyFor(payload) : null;
  const saved = await submitted(form,
    () => (creating ? post(createUrl, body, { headers: { 'Idempotency-Key': key } }) : request('PUT', editUrl, body)),
    (error) => {
      if (creating) {
        retryKey.settle(payload, key, error);
      }
      return false;
    });
  if (saved && creating) {
    retryKey.settle(payload, key, null);
  }
  return saved;
}

/**
 * The form slot of a list page: shows in `host` the form of `key` (made by `make` the first time) or,
 * with no key, `idle`. A redraw of the list (it reloads after every change, and once the page opens)
 * keeps the form already open for the same key, with what was typed and where the focus is, instead
 * of drawing an empty one.
 */
export function formSlot(host) {
  let open = null;
  return (key, make, idle) => {
    if (key === null || key === undefined) {
      open = null;
      host.replaceChildren(idle());
      return;
    }
    if (!open || open.key !== key) {
      open = { key, element: make() };
    }
    if (host.firstChild !== open.element) {
      host.replaceChildren(open.element);
    }
  };
}
