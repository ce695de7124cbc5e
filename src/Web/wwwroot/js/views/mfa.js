// "Two-step sign-in": the signed-in user enrols an authenticator app (TOTP) for their own account —
// the key to type in, a first code to confirm it — and is shown their single-use recovery codes once
// (GET /api/me/mfa, POST /api/me/mfa/totp, POST …/totp/verify). An account the configuration requires
// to have one is let in only here until it has.

import { h } from '../dom.js';
import { t, dateTime } from '../i18n.js';
import { post } from '../api.js';
import { field, formSummary, showProblem, clearErrors } from '../forms.js';
import { section, loadPage } from './common.js';

/** The key in groups of four, as authenticator apps print it. */
const grouped = (secret) => secret.match(/.{1,4}/g).join(' ');

export function mountMfa(container, ctx, { required = false, onEnrolled = () => {} } = {}) {
  const render = (status) => {
    const statusLine = h('p', { id: 'mfa-status', role: 'status', class: status.enrolled ? null : 'notice' },
      status.enrolled
        ? t('mfa.enrolled', { since: dateTime(status.enrolledAt, ctx.timeZone), left: status.recoveryCodesLeft })
        : t(required ? 'mfa.required' : 'mfa.notEnrolled'));
    const setup = h('div', { id: 'mfa-setup' });
    const begin = h('button', { type: 'button', class: 'button', id: 'mfa-begin' }, t(status.enrolled ? 'mfa.replace' : 'mfa.begin'));
    begin.addEventListener('click', async () => {
      begin.disabled = true;
      try {
        showEnrolment(setup, await post('/api/me/mfa/totp', null));
      } catch (error) {
        begin.disabled = false;
        setup.replaceChildren(h('div', {}, formSummary()));
        showProblem(setup.firstChild, error);
      }
    });

    const showEnrolment = (host, enrolment) => {
      const form = h('form', { class: 'form', novalidate: true, id: 'mfa-confirm' }, formSummary(),
        field('code', t('mfa.code'), h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6', required: true }),
          { hint: t('mfa.codeHint') }),
        h('button', { type: 'submit', class: 'button primary' }, t('mfa.confirm')));
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        clearErrors(form);
        try {
          const confirmed = await post('/api/me/mfa/totp/verify', { code: form.elements.code.value.trim() });
          statusLine.textContent = t('mfa.enrolled', { since: dateTime(new Date().toISOString(), ctx.timeZone), left: confirmed.recoveryCodes.length });
          statusLine.classList.remove('notice');
          begin.hidden = true;
          host.replaceChildren(
            h('h3', {}, t('mfa.recoveryTitle')),
            h('p', { class: 'notice', role: 'status' }, t('mfa.recoveryHint')),
            h('ol', { class: 'recovery-codes', id: 'mfa-recovery-codes' }, confirmed.recoveryCodes.map((code) => h('li', {}, h('code', {}, code)))));
          ctx.notify(t('mfa.done'), { kind: 'ok' });
          onEnrolled();
        } catch (error) {
          showProblem(form, error);
        }
      });
      host.replaceChildren(
        h('p', {}, t('mfa.keyHint')),
        h('p', {}, h('code', { id: 'mfa-key', class: 'secret' }, grouped(enrolment.secret))),
        h('p', { class: 'hint' }, h('a', { href: enrolment.uri, id: 'mfa-uri' }, t('mfa.uri'))),
        form);
      form.elements.code.focus();
    };

    container.replaceChildren(h('div', { class: 'dashboard mfa' },
      h('h1', { class: 'view-title' }, t('mfa.title')),
      h('p', { class: 'hint' }, t('mfa.intro')),
      section('mfa.app', statusLine, h('div', { class: 'actions' }, begin), setup)));
  };

  return loadPage(container, 'mfa', 'mfa.title', '/api/me/mfa', render);
}
