// Sign-in: POST /api/auth/token; the response (token, username, agency, roles, language) is the session.
// An account with a second factor is asked, after its password, for the code of its authenticator
// app (or a recovery code), and the same request is sent again with it.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { post } from '../api.js';
import { field, textInput, formSummary, showErrors, showProblem, check, collect } from '../forms.js';
import { signIn } from '../session.js';
import { readForm } from './formState.js';

let typedUsername = '';

export function mountSignIn(container, { expired = false, username = null, notice = null } = {}) {
  if (username) {
    typedUsername = username;
  }
  const otp = field('otp', t('signin.otp'), textInput({ autocomplete: 'one-time-code', maxlength: '32', spellcheck: 'false' }), { hint: t('signin.otpHint') });
  otp.hidden = true;
  const form = h('form', { class: 'signin-form', novalidate: true },
    formSummary(),
    field('username', t('signin.username'), textInput({ value: typedUsername, autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' })),
    field('password', t('signin.password'), h('input', { type: 'password', autocomplete: 'current-password' })),
    otp,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, t('signin.submit'))));

  form.addEventListener('input', () => {
    typedUsername = readForm(form).username;
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { username, password, otp: code } = readForm(form);
    const errors = collect({
      username: [check.required(username)], password: [check.required(password)], otp: otp.hidden ? [] : [check.required(code)],
    });
    if (Object.keys(errors).length) {
      showErrors(form, errors);
      return;
    }
    const button = form.querySelector('[type=submit]');
    button.disabled = true;
    try {
      const body = { username: username.trim(), password, otp: otp.hidden ? null : code.trim() };
      const token = await post('/api/auth/token', body, { anonymous: true });
      signIn(token);
    } catch (error) {
      button.disabled = false;
      if (error.status === 401 && error.mfa === 'code' && otp.hidden) {
        otp.hidden = false;
        showErrors(form, {}, t('signin.otpNeeded'));
        otp.querySelector('input').focus();
      } else if (error.status === 401) {
        showErrors(form, {}, t('signin.invalid'));
      } else {
        showProblem(form, error);
      }
    }
  });

  container.replaceChildren(h('div', { class: 'signin' },
    h('section', { class: 'panel', 'aria-labelledby': 'h-signin' },
      h('h1', { id: 'h-signin' }, t('signin.title')),
      expired ? h('p', { class: 'notice', role: 'status' }, t('signin.expired')) : null,
      notice ? h('p', { class: 'notice', role: 'status' }, notice) : null,
      h('p', { class: 'hint' }, t('signin.intro')),
      form)));
  form.querySelector(username ? 'input[type=password]' : 'input').focus();
  return () => {};
}
