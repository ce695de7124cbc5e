// Reading a form into a plain draft object, and small input conveniences.

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
