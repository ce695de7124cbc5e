// The page a password-reset link opens (#/reset/{token}): the user chooses a new password, which
// spends the link; then they sign in with it.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { post } from '../api.js';
import { field, formSummary, showErrors, check, collect } from '../forms.js';
import { bindDraft, submitted } from './formState.js';

/** Mounts the form for <paramref name="token"/>; <paramref name="onDone"/> gets the username once the password is set. */
export function mountReset(container, token, onDone) {
  const form = h('form', { class: 'signin-form', novalidate: true },
    formSummary(),
    field('password', t('reset.password'), h('input', { type: 'password', autocomplete: 'new-password' }), { hint: t('users.hint.password') }),
    field('repeat', t('reset.repeat'), h('input', { type: 'password', autocomplete: 'new-password' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, t('reset.submit'))));

  const draft = {};
  bindDraft(form, draft, () => collect({
    password: [check.required(draft.password)],
    repeat: [check.required(draft.repeat), draft.password && draft.repeat && draft.password !== draft.repeat ? t('reset.mismatch') : null],
  }), async () => {
    const done = await submitted(form, () => post('/api/auth/password-reset', { token, password: draft.password }, { anonymous: true }),
      (error) => {
        // A link spent, expired or replaced: say so in the user's language, not the server's.
        if (error.status === 400 && error.errors?.token) {
          showErrors(form, {}, t('reset.invalid'));
          return true;
        }
        return false;
      });
    if (done) {
      onDone(done.username);
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
