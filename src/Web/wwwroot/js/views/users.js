// The administrator's users section: the accounts, with create, edit (name, agency, roles,
// language), disable/enable, and a one-time password-reset link to hand to the user. A country
// administrator gets the same section for its own country's users, without the administrators' roles;
// an agency's coordinator gets it as the page "Our team", for its own agency's users only.

import { h } from '../dom.js';
import { t, languages, languageName, dateTime, country } from '../i18n.js';
import { post } from '../api.js';
import { field, choiceGroup, textInput, select, formSummary, problemMessage, check, collect } from '../forms.js';
import { section, agencyName } from './common.js';
import { bindDraft, RetryKey, upperCaseOnChange } from './formState.js';
import { matchesWords, dataTable, listLoader, saveCreateOrEdit, formSlot } from './adminList.js';

const Roles = ['Admin', 'CountryAdmin', 'ConsularOfficer', 'NgoCaseworker', 'HotlineOperator', 'LawEnforcementOfficer', 'CommitteeSecretary', 'CommitteeMember', 'Analyst', 'AgencyCoordinator'];
const AdministratorRoles = ['Admin', 'CountryAdmin'];
const UsernamePattern = /^[a-z0-9._-]{3,64}$/;
const CountryPattern = /^[A-Z]{2}$/;

let retryKey = new RetryKey();

window.addEventListener('session', () => {
  retryKey = new RetryKey();
});

function validate(d, creating) {
  const adminOnly = d.roles.length === 1 && d.roles[0] === 'Admin';
  const countryAdmin = d.roles.includes('CountryAdmin');
  return collect({
    username: creating ? [check.required(d.username), check.pattern(d.username, UsernamePattern, 'users.error.username')] : [],
    password: creating ? [check.required(d.password)] : [],
    displayName: [check.required(d.displayName), check.maxLength(d.displayName, 200)],
    roles: [d.roles.length ? null : t('users.error.roles')],
    agencyId: adminOnly || countryAdmin ? [] : [check.required(d.agencyId)],
    country: countryAdmin ? [check.required(d.country), check.pattern(d.country, CountryPattern, 'error.country')] : [],
  });
}

/** The create form (user null) or the edit form of a user; the username and password only when creating. */
function userForm(user, ctx, onSaved, onCancel) {
  const creating = !user;
  // An agency's coordinator manages its own agency's users only: the server refuses any other agency.
  const administrator = ctx.me.roles.some((r) => AdministratorRoles.includes(r));
  const agencies = [...ctx.agencies.values()].filter((a) => administrator || a.id === ctx.me.agency?.id)
    .sort((a, b) => a.name.localeCompare(b.name));
  // Only the global administrator gives the administrators' roles (and so a country).
  const global = ctx.me.roles.includes('Admin');
  const roles = global ? Roles : Roles.filter((r) => !AdministratorRoles.includes(r));
  const form = h('form', { class: 'user-form', id: 'user-form', novalidate: true },
    h('h3', { tabindex: '-1' }, creating ? t('users.create.title') : t('users.edit.title', { name: user.displayName })),
    formSummary(),
    creating
      ? h('div', { class: 'row' },
        field('username', t('users.field.username'), textInput({ maxlength: '64', autocapitalize: 'none', spellcheck: 'false' }), { hint: t('users.hint.username') }),
        field('password', t('users.field.password'), h('input', { type: 'password', autocomplete: 'new-password' }), { hint: t('users.hint.password') }))
      : h('p', { class: 'hint' }, t('users.edit.identity', { username: user.username })),
    field('displayName', t('users.field.displayName'), textInput({ value: user?.displayName ?? '', maxlength: '200' })),
    h('div', { class: 'row' },
      field('agencyId', t('users.field.agency'),
        select([...(administrator ? [['', t('users.noAgency')]] : []), ...agencies.map((a) => [a.id, a.name])], user?.agencyId ?? (administrator ? '' : ctx.me.agency?.id)),
        { hint: t('users.hint.agency') }),
      field('language', t('users.field.language'), select(languages.map((l) => [l, languageName(l)]), user?.language ?? 'en'))),
    choiceGroup('roles', t('users.field.roles'), 'checkbox', roles.map((r) => [r, t(`users.role.${r}`)]), user?.roles ?? []),
    global
      ? field('country', t('users.field.country'), upperCaseOnChange(textInput({ value: user?.country ?? '', maxlength: '2', autocapitalize: 'characters' })),
        { hint: t('users.hint.country') })
      : null,
    creating ? null : h('p', { class: 'hint' }, t('users.edit.sessions')),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'button primary' }, creating ? t('users.create.submit') : t('users.edit.submit')),
      h('button', { type: 'button', class: 'button secondary', onclick: onCancel }, t('admin.cancel'))));

  const draft = {};
  bindDraft(form, draft, () => validate(draft, creating), async () => {
    const editable = {
      displayName: draft.displayName.trim(),
      agencyId: draft.roles.includes('CountryAdmin') ? null : draft.agencyId || null,
      roles: draft.roles,
      country: draft.roles.includes('CountryAdmin') ? draft.country.trim() : null,
      language: draft.language,
    };
    const body = creating ? { username: draft.username.trim(), password: draft.password, ...editable } : editable;
    const saved = await saveCreateOrEdit(form, retryKey, creating, '/api/users', `/api/users/${encodeURIComponent(user?.username)}`, body);
    if (saved) {
      onSaved(creating ? t('users.created', { name: saved.displayName }) : t('users.saved', { name: saved.displayName }));
    }
  }, ['roles']);
  return form;
}

/** The link just issued, to copy and hand over; shown until the administrator moves on. */
function resetLink(user, link, ctx) {
  const input = textInput({ value: link.url, readonly: true, id: 'reset-link', 'aria-describedby': 'reset-link-hint' });
  const copied = h('span', { role: 'status', class: 'hint' });
  return h('div', { class: 'confirmation', id: 'reset-link-box' },
    h('p', { id: 'reset-link-hint' }, t('users.reset.explain', {
      name: user.displayName,
      until: dateTime(link.expiresAt, ctx.timeZone, { zoneName: true }),
    })),
    h('label', { for: 'reset-link' }, t('users.reset.link')),
    input,
    h('div', { class: 'actions' },
      h('button', {
        type: 'button', class: 'button secondary',
        onclick: async () => {
          input.select();
          try {
            await navigator.clipboard.writeText(link.url);
            copied.textContent = t('users.reset.copied');
          } catch {
            copied.textContent = t('users.reset.copyByHand');
          }
        },
      }, t('users.reset.copy')),
      copied));
}

function matches(user, filter, ctx) {
  return matchesWords([user.username, user.displayName, user.agencyId ?? '', user.agencyId ? agencyName(ctx, user.agencyId) : '',
    ...user.roles.map((r) => t(`users.role.${r}`))], filter);
}

/** The users section of the administration page; returns its element and a dispose function. */
export function usersSection(ctx) {
  let users = [];
  let filter = '';
  let editing = null; // null, 'new', or a username
  let issued = null; // { username, link }
  let message = null;
  let disposed = false;

  const formHost = h('div', { id: 'user-form-host' });
  const showForm = formSlot(formHost);
  const linkHost = h('div');
  const result = h('div', { class: 'form-result', role: 'status', tabindex: '-1', id: 'user-result' });
  const body = h('tbody');
  const count = h('p', { class: 'hint', 'aria-live': 'polite' });
  const filterInput = textInput({ id: 'user-filter' });

  const reload = listLoader('/api/users', (list) => {
    users = list;
    render();
  }, result, () => disposed);

  const done = (text) => {
    editing = null;
    issued = null;
    message = text;
    render();
    result.focus();
    reload();
  };

  const act = async (user, action) => {
    try {
      if (action === 'reset') {
        const link = await post(`/api/users/${encodeURIComponent(user.username)}/password-reset`);
        editing = null;
        message = null;
        issued = { username: user.username, link };
        render();
        linkHost.querySelector('input')?.focus();
        return;
      }
      const changed = await post(`/api/users/${encodeURIComponent(user.username)}/${action}`);
      done(t(changed.disabled ? 'users.disabled' : 'users.enabled', { name: changed.displayName }));
    } catch (error) {
      message = problemMessage(error);
      render();
      result.focus();
    }
  };

  const button = (user, action, label) => h('button', {
    type: 'button', class: 'button secondary', dataset: { action },
    'aria-label': t(`users.${action}.label`, { name: user.displayName }),
    onclick: () => (action === 'edit'
      ? (() => { editing = user.username; issued = null; message = null; render(); formHost.querySelector('h3')?.focus(); })()
      : act(user, action)),
  }, label);

  const row = (user) =>
    h('tr', { dataset: { username: user.username, disabled: String(user.disabled) } },
      h('th', { scope: 'row' }, user.displayName, h('br'), h('span', { class: 'hint' }, user.username)),
      h('td', {}, user.agencyId ? agencyName(ctx, user.agencyId) : user.country ? t('users.ofCountry', { country: country(user.country) }) : t('users.noAgency')),
      h('td', {}, user.roles.map((r) => t(`users.role.${r}`)).join(', ')),
      h('td', {}, languageName(user.language)),
      h('td', {}, h('span', { class: `badge ${user.disabled ? 'referral-declined' : 'referral-accepted'}` },
        user.disabled ? t('users.status.disabled') : t('users.status.active'))),
      h('td', { class: 'actions' },
        button(user, 'edit', t('admin.edit')),
        user.username === ctx.me.username ? null
          : button(user, user.disabled ? 'enable' : 'disable', user.disabled ? t('users.enable') : t('users.disable')),
        user.disabled ? null : button(user, 'reset', t('users.reset'))));

  function render() {
    const shown = users.filter((u) => matches(u, filter, ctx)).sort((a, b) => a.username.localeCompare(b.username));
    body.replaceChildren(...(shown.length ? shown.map(row) : [h('tr', {}, h('td', { colspan: '6', class: 'empty' }, t('users.none')))]));
    count.textContent = t('users.count', { shown: shown.length, total: users.length });
    result.replaceChildren(...(message ? [h('p', {}, message)] : []));
    const linkUser = issued ? users.find((u) => u.username === issued.username) : null;
    linkHost.replaceChildren(...(linkUser ? [resetLink(linkUser, issued.link, ctx)] : []));
    const edited = editing && editing !== 'new' ? users.find((u) => u.username === editing) : null;
    showForm(editing,
      () => userForm(edited, ctx, done, () => { editing = null; render(); }),
      () => h('button', {
        type: 'button', class: 'button primary', id: 'user-create',
        onclick: () => { editing = 'new'; issued = null; message = null; render(); formHost.querySelector('h3')?.focus(); },
      }, t('users.create')));
  }

  filterInput.addEventListener('input', () => {
    filter = filterInput.value.trim();
    render();
  });

  const element = section('users.title',
    h('p', { class: 'hint' }, t('users.intro')),
    field('user-filter', t('users.filter'), filterInput),
    count,
    result,
    dataTable('admin-users', 'users.title',
      ['users.col.name', 'users.col.agency', 'users.col.roles', 'users.col.language', 'admin.col.active', 'admin.col.actions'], body),
    linkHost,
    formHost);
  render();
  reload();
  return { element, dispose: () => { disposed = true; } };
}

/** An agency coordinator's page "Our team": the users section, for the agency's own users. */
export function mountTeam(container, ctx) {
  const users = usersSection(ctx);
  container.replaceChildren(h('div', { class: 'dashboard team' },
    h('h1', { class: 'view-title' }, t('team.title', { agency: ctx.me.agency.name })),
    h('p', { class: 'hint', id: 'team-scope' }, t('team.intro')),
    users.element));
  return () => users.dispose();
}
