// Form fields with bound labels, hints and error messages, and the mapping of a problem
// details `errors` map (field → messages) onto them. Errors never clear what was typed.

import { h, uid } from './dom.js';
import { t } from './i18n.js';

/**
 * A labelled control. `name` is the field's path in the request (e.g. "person.fullName"), which is
 * also the key the server uses in its `errors` map.
 */
export function field(name, label, control, { hint } = {}) {
  const id = control.id || uid('f');
  control.id = id;
  control.name ||= name;
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  if (hintId) {
    control.setAttribute('aria-describedby', hintId);
  }
  return h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: id }, label),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('p', { class: 'field-error', id: errorId, hidden: true }),
    control);
}

/** A group of radios or checkboxes in a fieldset whose legend labels the group. */
export function choiceGroup(name, legend, type, options, selected) {
  const values = Array.isArray(selected) ? selected : [selected];
  const errorId = uid('g-error');
  return h('fieldset', { class: `field choices ${type}`, dataset: { field: name }, 'aria-describedby': errorId },
    h('legend', {}, legend),
    h('p', { class: 'field-error', id: errorId, hidden: true }),
    h('div', { class: 'choice-list' },
      options.map(([value, text]) => {
        const id = uid('c');
        return h('div', { class: 'choice' },
          h('input', { type, id, name, value, checked: values.includes(value) }),
          h('label', { for: id }, text));
      })));
}

export function textInput(attributes = {}) {
  return h('input', { type: 'text', autocomplete: 'off', ...attributes });
}

export function select(options, selected, attributes = {}) {
  return h('select', attributes,
    options.map(([value, text]) => h('option', { value, selected: value === selected }, text)));
}

/** Clears every message shown by <see cref="showErrors"/>. */
export function clearErrors(form) {
  for (const error of form.querySelectorAll('.field-error')) {
    error.hidden = true;
    error.textContent = '';
  }
  for (const wrapper of form.querySelectorAll('.field.invalid')) {
    wrapper.classList.remove('invalid');
    for (const control of wrapper.querySelectorAll('input, select, textarea')) {
      control.removeAttribute('aria-invalid');
      const describedBy = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && !id.endsWith('-error'));
      if (describedBy.length) {
        control.setAttribute('aria-describedby', describedBy.join(' '));
      } else {
        control.removeAttribute('aria-describedby');
      }
    }
  }
  const summary = form.querySelector('.form-summary');
  if (summary) {
    summary.hidden = true;
    summary.replaceChildren();
  }
}

/**
 * Shows field → messages next to the fields (server keys match case-insensitively; unknown keys
 * and a message without a field go to the form's summary) and moves focus to the first problem.
 */
export function showErrors(form, errors, generalMessage) {
  clearErrors(form);
  const wrappers = [...form.querySelectorAll('[data-field]')];
  const general = generalMessage ? [generalMessage] : [];
  let first = null;
  for (const [key, messages] of Object.entries(errors ?? {})) {
    const wrapper = wrappers.find((w) => w.dataset.field.toLowerCase() === key.toLowerCase())
      ?? wrappers.find((w) => key.toLowerCase().startsWith(`${w.dataset.field.toLowerCase()}[`));
    // The server writes them in the language the user reads (api.js sends it as Accept-Language).
    const texts = Array.isArray(messages) ? messages : [messages];
    if (!wrapper) {
      general.push(...texts.map((text) => `${key}: ${text}`));
      continue;
    }
    const error = wrapper.querySelector('.field-error');
    error.textContent = texts.join(' ');
    error.hidden = false;
    wrapper.classList.add('invalid');
    const controls = wrapper.querySelectorAll('input, select, textarea');
    for (const control of controls) {
      control.setAttribute('aria-invalid', 'true');
      const describedBy = new Set((control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
      if (wrapper.tagName !== 'FIELDSET') {
        describedBy.add(error.id);
      }
      control.setAttribute('aria-describedby', [...describedBy].join(' '));
    }
    first ??= controls[0];
  }

  const summary = form.querySelector('.form-summary');
  if (summary && (general.length || first)) {
    const lead = first ? t('form.fix') : general.shift();
    summary.replaceChildren(h('p', {}, lead), ...(general.length ? [h('ul', {}, general.map((text) => h('li', {}, text)))] : []));
    summary.hidden = false;
  }
  if (first) {
    first.focus();
  } else if (summary && !summary.hidden) {
    summary.focus();
  }
}

/** The summary box at the top of a form: focusable so that keyboard and screen reader users land on it. */
export function formSummary() {
  return h('div', { class: 'form-summary', role: 'alert', tabindex: '-1', hidden: true });
}

/** A message for an error that is not about one field (network, 403, 409, 503…). */
export function problemMessage(error) {
  if (error.isNetwork) {
    return t('error.network');
  }
  switch (error.status) {
    case 403:
      return t('error.forbidden');
    case 409:
      return t('error.conflict', { detail: error.detail || error.title });
    case 503:
      return t('error.unavailable');
    default:
      return t('error.server', { detail: error.detail || error.title || error.status });
  }
}

/** Shows a failed request on its form: a 400's field errors beside the fields, anything else in the summary. */
export function showProblem(form, error) {
  if (error.status === 400 && Object.keys(error.errors).length) {
    showErrors(form, error.errors);
  } else {
    showErrors(form, {}, problemMessage(error));
  }
}

/** Field-level validation helpers: each returns a message or null. */
export const check = {
  required: (value) => (value === null || value === undefined || String(value).trim() === '' ? t('error.required') : null),
  maxLength: (value, max) => (value && value.trim().length > max ? t('error.tooLong', { max }) : null),
  pattern: (value, regex, key) => (value && !regex.test(value.trim()) ? t(key) : null),
};

/** Collects the first message per field; returns a plain field → [message] map like the server's. */
export function collect(rules) {
  const errors = {};
  for (const [name, messages] of Object.entries(rules)) {
    const first = messages.find(Boolean);
    if (first) {
      errors[name] = [first];
    }
  }
  return errors;
}
