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

/** A random key for Idempotency-Key; getRandomValues works outside secure contexts too. */
export function newIdempotencyKey() {
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
