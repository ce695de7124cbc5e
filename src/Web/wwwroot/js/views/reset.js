// The page a password-reset link opens (#/reset/{token}): the user chooses a new password, which
// spends the link; then they sign in with it.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { post } from '../api.js';
import { field, formSummary, showErrors, problemMessage, check, collect } from '../forms.js';
import { readForm } from './formState.js';

/** Mounts the form for <paramref name="token"/>; <paramref name="onDone"/> gets the username once the password is set. */
export function mountReset(container, token, onDone) {
  const form = h('form', { class: 'signin-form', novalidate: true },
    formSummary(),
    field('password', t('reset.password'), h('input', { type: 'password', autocomplete: 'new-password' }), { hint: t('users.hint.password') }),
    field('repeat', t('reset.repeat'), h('input', { type: 'password', autocomplete: 'new-password' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, t('reset.submit'))));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { password, repeat } = readForm(form);
    const errors = collect({
      password: [check.required(password)],
      repeat: [check.required(repeat), password && repeat && password !== repeat ? t('reset.mismatch') : null],
    });
    if (Object.keys(errors).length) {
      showErrors(form, errors);
      return;
    }
    const button = form.querySelector('[type=submit]');
    button.disabled = true;
    try {
      const done = await post('/api/auth/password-reset', { token, password }, { anonymous: true });
      onDone(done.username);
    } catch (error) {
      button.disabled = false;
      if (error.status === 400 && error.errors?.token) {
        showErrors(form, {}, t('reset.invalid'));
      } else if (error.status === 400 && Object.keys(error.errors ?? {}).length) {
        showErrors(form, error.errors);
      } else {
        showErrors(form, {}, problemMessage(error));
      }
    }
  });

  container.replaceChildren(h('div', { class: 'signin' },
    h('section', { class: 'panel', 'aria-labelledby': 'h-reset' },
      h('h1', { id: 'h-reset' }, t('reset.title')),
      h('p', { class: 'hint' }, t('reset.intro')),
      form)));
  form.querySelector('input').focus();
  return () => {};
}
