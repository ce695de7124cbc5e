// Sign-in: POST /api/auth/token; the response (token, username, agency, roles, language) is the session.

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
  const form = h('form', { class: 'signin-form', novalidate: true },
    formSummary(),
    field('username', t('signin.username'), textInput({ value: typedUsername, autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' })),
    field('password', t('signin.password'), h('input', { type: 'password', autocomplete: 'current-password' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, t('signin.submit'))));

  form.addEventListener('input', () => {
    typedUsername = readForm(form).username;
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { username, password } = readForm(form);
    const errors = collect({ username: [check.required(username)], password: [check.required(password)] });
    if (Object.keys(errors).length) {
      showErrors(form, errors);
      return;
    }
    const button = form.querySelector('[type=submit]');
    button.disabled = true;
    try {
      const token = await post('/api/auth/token', { username: username.trim(), password }, { anonymous: true });
      signIn(token);
    } catch (error) {
      button.disabled = false;
      if (error.status === 401) {
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
