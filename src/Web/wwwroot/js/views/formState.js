// A form's state between renders and submits: reading it into a plain draft object, running its
// command with the button disabled, retry keys, and small input conveniences.

import { showErrors, showProblem, clearErrors } from '../forms.js';

/** name → value for every named control; names in `multi` collect the checked values as a list. */
export function readForm(form, multi = []) {
  const values = {};
  for (const name of multi) {
    values[name] = [];
  }
  for (const control of form.elements) {
    if (!control.name || control.disabled) {
      continue;
    }
    if (control.type === 'checkbox' || control.type === 'radio') {
      if (multi.includes(control.name)) {
        if (control.checked) {
          values[control.name].push(control.value);
        }
      } else if (control.checked) {
        values[control.name] = control.value;
      }
    } else if (control.tagName !== 'BUTTON') {
      values[control.name] = control.value;
    }
  }
  return values;
}

/**
 * Idempotency-Key of one form's command: a retry of the same request after no answer came (network
 * failure, 5xx) reuses the key, so the server runs it at most once; any other request gets a new key.
 */
export class RetryKey {
  #unanswered = null;

  keyFor(payload) {
    return this.#unanswered?.payload === payload ? this.#unanswered.key : newIdempotencyKey();
  }

  /** Records the outcome of a request sent with <paramref name="key"/>. */
  settle(payload, key, error) {
    this.#unanswered = error && (error.isNetwork || error.status >= 500) ? { payload, key } : null;
  }
}

/** A random key for Idempotency-Key; getRandomValues works outside secure contexts too. */
function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Codes (countries, airports, passports, flights) are capitals: fix the case when the field is left. */
export function upperCaseOnChange(input) {
  input.addEventListener('change', () => {
    const upper = input.value.toUpperCase();
    if (upper !== input.value) {
      input.value = upper;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
  });
  return input;
}

/**
 * Runs a form's command with its submit button disabled: its answer, or null once the form shows
 * why it failed (the server's field errors beside the fields, anything else above them), unless
 * `onError` returns true because it showed the failure its own way.
 */
export async function submitted(form, send, onError = () => false) {
  clearErrors(form);
  const button = form.querySelector('[type=submit]');
  button.disabled = true;
  try {
    return await send();
  } catch (error) {
    button.disabled = false;
    if (!onError(error)) {
      showProblem(form, error);
    }
    return null;
  }
}

/**
 * Keeps `draft` in step with the form (so typed input survives a re-render) and, on submit, shows
 * what `validate()` finds beside the fields, or else runs `submit()`.
 */
export function bindDraft(form, draft, validate, submit, multi = []) {
  const sync = () => Object.assign(draft, readForm(form, multi));
  form.addEventListener('input', sync);
  form.addEventListener('change', sync);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    sync();
    const errors = validate();
    if (Object.keys(errors).length) {
      showErrors(form, errors);
    } else {
      submit();
    }
  });
}
