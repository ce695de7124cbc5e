// Opening a case, by every door (api.md "Who may open a case, and for whom"): the form a consul
// flags a citizen with and a hotline, NGO, shelter or the police report a case with, saying as it is
// filled in which route the case will take; and the intake dashboard of hotlines and the police
// (the form, their alerts, the cases they reported).

import { h } from '../dom.js';
import { t, e, enumValues, country } from '../i18n.js';
import { post } from '../api.js';
import { field, choiceGroup, textInput, select, formSummary, showErrors, showProblem, clearErrors, check, collect } from '../forms.js';
import { renderKeyed, section, itemCard, agencyName, caseHref, followFeed } from './common.js';
import { caseListPanel } from './caseListPanel.js';
import { taskProgressAction } from './taskProgress.js';
import { readForm, RetryKey, upperCaseOnChange } from './formState.js';
import { consentDraft, consentFields, consentChecks, consentRequest, ConsentMulti } from './consentFields.js';

const CountryPattern = /^[A-Z]{2}$/;
const PassportPattern = /^[A-Z0-9]{5,20}$/;
const PhonePattern = /^\+?[0-9][0-9 ()-]{4,24}$/;
const YearPattern = /^[0-9]{1,4}$/;

// What the caller has typed survives re-renders, language switches, errors and a look at a case;
// it is dropped on sign-out (it is personal data).
let draft = null;
// A retry of a request whose answer never arrived reuses its Idempotency-Key: never two cases.
let retryKey = new RetryKey();

window.addEventListener('session', () => {
  draft = null;
  retryKey = new RetryKey();
});

const isPost = (ctx) => ctx.agency.kind === 'ConsularPost';

// The channel a case is identified by unless the caller says otherwise, as the server defaults it.
const DefaultChannel = { ConsularPost: 'Consulate', Hotline: 'Hotline', Ngo: 'Ngo', Shelter: 'Ngo', LawEnforcement: 'Police' };

function freshDraft(ctx) {
  // A post's people are abroad, in its host country; anyone else's most often at home.
  return {
    'person.citizenship': ctx.agency.country ?? '',
    currentCountry: (isPost(ctx) ? ctx.agency.hostCountry : ctx.agency.country) ?? '',
    identifiedBy: DefaultChannel[ctx.agency.kind] ?? '',
    needs: [],
    ...consentDraft(null),
  };
}

/**
 * Which way the case will go, as the server will route it from the same data: a return (held by the
 * post, or handed to the post of the person's state where they are) or an internal case.
 */
function routeNote(ctx, d) {
  const citizenship = d['person.citizenship']?.trim();
  const where = d.currentCountry?.trim();
  if (!CountryPattern.test(citizenship ?? '') || !CountryPattern.test(where ?? '')) {
    return t('intake.route.unknown');
  }
  if (citizenship === where) {
    return t('intake.route.internal', { country: country(where) });
  }
  if (isPost(ctx)) {
    return t('intake.route.returnOwn');
  }
  const city = d.currentRegion?.trim().toLowerCase();
  const posts = [...ctx.agencies.values()]
    .filter((a) => a.kind === 'ConsularPost' && a.active !== false && a.country === citizenship && a.hostCountry === where)
    .sort((a, b) => ((a.city ?? '').toLowerCase() === city ? 0 : 1) - ((b.city ?? '').toLowerCase() === city ? 0 : 1) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return posts.length
    ? t('intake.route.returnReported', { post: posts[0].name, country: country(where) })
    : t('intake.route.noPost', { citizenship: country(citizenship), country: country(where) });
}

function options(type) {
  return [['', t('flag.choose')], ...enumValues(type).map((v) => [v, e(type, v)])];
}

function validate(d) {
  const year = new Date().getUTCFullYear();
  const birthYear = d['person.birthYear']?.trim();
  const yearError = !birthYear ? null
    : !YearPattern.test(birthYear) ? t('error.number')
      : Number(birthYear) < year - 120 || Number(birthYear) > year ? t('error.yearRange', { min: year - 120, max: year }) : null;
  return collect({
    'person.fullName': [check.required(d['person.fullName']), check.maxLength(d['person.fullName'], 200)],
    'person.sex': [check.required(d['person.sex'])],
    'person.birthYear': [check.required(birthYear), yearError],
    'person.citizenship': [check.required(d['person.citizenship']), check.pattern(d['person.citizenship'], CountryPattern, 'error.country')],
    'person.passportNumber': [check.pattern(d['person.passportNumber'], PassportPattern, 'error.passport')],
    'person.phone': [check.pattern(d['person.phone'], PhonePattern, 'error.phone')],
    currentCountry: [check.required(d.currentCountry), check.pattern(d.currentCountry, CountryPattern, 'error.country')],
    location: [check.required(d.location), check.maxLength(d.location, 200)],
    situation: [check.required(d.situation)],
    exploitation: [check.required(d.exploitation)],
    homeRegion: [check.required(d.homeRegion), check.maxLength(d.homeRegion, 100)],
    currentRegion: [check.maxLength(d.currentRegion, 100)],
    urgency: [check.required(d.urgency)],
    ...consentChecks(d),
  });
}

function toRequest(d) {
  const optional = (value) => (value?.trim() ? value.trim() : null);
  return {
    person: {
      fullName: d['person.fullName'].trim(),
      sex: d['person.sex'],
      birthYear: Number(d['person.birthYear']),
      citizenship: d['person.citizenship'].trim(),
      passportNumber: optional(d['person.passportNumber']),
      phone: optional(d['person.phone']),
    },
    currentCountry: d.currentCountry.trim(),
    location: d.location.trim(),
    situation: d.situation,
    exploitation: d.exploitation ?? [],
    needs: d.needs ?? [],
    urgency: d.urgency,
    homeRegion: d.homeRegion.trim(),
    currentRegion: optional(d.currentRegion),
    consent: consentRequest(d),
    reportedBy: d.reportedBy || null,
    identifiedBy: d.identifiedBy || null,
  };
}

/** The form that opens a case, for every door: a consul's flag, a hotline's or NGO's report, the police's. */
export function intakeForm(ctx, onFlagged) {
  draft ??= freshDraft(ctx);
  const byPost = isPost(ctx);
  const route = h('p', { class: 'hint route-note', id: 'intake-route', 'aria-live': 'polite' }, routeNote(ctx, draft));
  const v = (name) => draft[name] ?? '';
  const result = h('div', { class: 'form-result', role: 'status', tabindex: '-1' });
  const form = h('form', { class: 'flag-form', id: 'flag-form', novalidate: true, 'aria-describedby': 'flag-intro' },
    h('p', { class: 'hint', id: 'flag-intro' }, t(byPost ? 'flag.intro' : 'intake.intro')),
    formSummary(),
    h('fieldset', { class: 'group' },
      h('legend', {}, t('flag.person')),
      field('person.fullName', t('flag.fullName'), textInput({ value: v('person.fullName'), maxlength: '200', autocomplete: 'off' })),
      h('div', { class: 'row' },
        field('person.sex', t('flag.sex'), select([['', t('flag.choose')], ...enumValues('Sex').map((s) => [s, e('Sex', s)])], v('person.sex'))),
        field('person.birthYear', t('flag.birthYear'), textInput({ value: v('person.birthYear'), inputmode: 'numeric', maxlength: '4' }))),
      h('div', { class: 'row' },
        field('person.citizenship', t('flag.citizenship'), upperCaseOnChange(textInput({ value: v('person.citizenship'), maxlength: '2', autocapitalize: 'characters' })), { hint: t('hint.country') }),
        field('person.passportNumber', t('flag.passportNumber'), upperCaseOnChange(textInput({ value: v('person.passportNumber'), maxlength: '20', autocapitalize: 'characters' })), { hint: t('hint.passport') })),
      field('person.phone', t('flag.phone'), textInput({ value: v('person.phone'), type: 'tel', maxlength: '25' }))),
    h('fieldset', { class: 'group' },
      h('legend', {}, t('flag.where')),
      h('div', { class: 'row' },
        field('currentCountry', t('flag.currentCountry'), upperCaseOnChange(textInput({ value: v('currentCountry'), maxlength: '2', autocapitalize: 'characters' })), { hint: t('hint.country') }),
        field('homeRegion', t('flag.homeRegion'), textInput({ value: v('homeRegion'), maxlength: '100' }))),
      h('div', { class: 'row' },
        field('currentRegion', t('intake.currentRegion'), textInput({ value: v('currentRegion'), maxlength: '100' }), { hint: t('intake.currentRegionHint') }),
        field('location', t('flag.location'), textInput({ value: v('location'), maxlength: '200' }))),
      route,
      field('situation', t('flag.situation'), select(options('Situation'), v('situation'))),
      choiceGroup('exploitation', t('flag.exploitationType'), 'checkbox', enumValues('ExploitationType').map((x) => [x, e('ExploitationType', x)]), draft.exploitation ?? []),
      choiceGroup('needs', t('flag.needs'), 'checkbox', enumValues('Need').map((n) => [n, e('Need', n)]), draft.needs ?? []),
      choiceGroup('urgency', t('flag.urgency'), 'radio', enumValues('Urgency').map((u) => [u, e('Urgency', u)]), v('urgency')),
      field('identifiedBy', t('intake.identifiedBy'), select(enumValues('IdentificationChannel').map((c) => [c, e('IdentificationChannel', c)]), v('identifiedBy'))),
      byPost ? field('reportedBy', t('flag.reportedBy'), select([['', t('none')], ...enumValues('ReportedBy').map((r) => [r, e('ReportedBy', r)])], v('reportedBy'))) : null),
    h('fieldset', { class: 'group' },
      h('legend', {}, t('flag.consentGroup')),
      ...consentFields(draft)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, t(byPost ? 'flag.submit' : 'intake.submit'))),
    result);

  const sync = () => {
    draft = { ...readForm(form, ['needs', 'exploitation', ...ConsentMulti]) };
    route.textContent = routeNote(ctx, draft);
  };
  form.addEventListener('input', sync);
  form.addEventListener('change', sync);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    sync();
    result.replaceChildren();
    const errors = validate(draft);
    if (Object.keys(errors).length) {
      showErrors(form, errors);
      return;
    }
    clearErrors(form);

    const body = toRequest(draft);
    const payload = JSON.stringify(body);
    const key = retryKey.keyFor(payload);
    const button = form.querySelector('[type=submit]');
    button.disabled = true;
    try {
      const flagged = await post('/api/cases', body, { headers: { 'Idempotency-Key': key } });
      retryKey.settle(payload, key, null);
      draft = freshDraft(ctx);
      const referral = flagged.referrals?.[0];
      const routing = referral
        ? t('flag.referredTo', { agency: agencyName(ctx, referral.toAgencyId) })
        : t('flag.noReceiver');
      onFlagged(flagged, flagged.reportedByAgencyId
        ? `${t('intake.reportedTo', { agency: agencyName(ctx, flagged.flaggedByAgencyId) })} ${routing}`
        : routing);
    } catch (error) {
      button.disabled = false;
      retryKey.settle(payload, key, error);
      showProblem(form, error);
    }
  });
  return form;
}

/**
 * A dashboard built around the intake form: the form, the agency's alerts and its cases. The
 * consular post's, and the intake dashboard of hotlines and the police.
 */
export function intakeDashboard(container, ctx, { className, titleKey, formTitleKey, casesTitleKey }) {
  const feed = h('ul', { class: 'cards', id: 'post-alerts' });
  const cases = caseListPanel(ctx);
  const formHost = h('div');
  let following = null;

  const renderForm = (message) => {
    const form = intakeForm(ctx, (flagged, routing) => {
      renderForm(h('p', {},
        h('strong', {}, t('flag.created', { id: flagged.id })), ' ', routing, ' ',
        h('a', { href: caseHref(flagged.id) }, t('feed.openCase', { id: flagged.id }))));
      following.reloadCases();
    });
    formHost.replaceChildren(form);
    if (message) {
      const result = form.querySelector('.form-result');
      result.replaceChildren(message);
      result.focus();
    }
  };

  container.replaceChildren(h('div', { class: `dashboard ${className}` },
    h('h1', { class: 'view-title' }, t(titleKey)),
    h('div', { class: 'columns' },
      h('div', { class: 'column' }, section(formTitleKey, formHost)),
      h('div', { class: 'column' },
        section('feed.title', feed),
        section(casesTitleKey, cases.element)))));
  renderForm();

  const renderFeed = () => {
    const items = ctx.store.items();
    renderKeyed(feed, items.length ? items.map((item) => itemCard(item, ctx, { actions: taskProgressAction(item) })) : [h('li', { class: 'empty' }, t('feed.empty'))]);
  };

  following = followFeed(ctx, renderFeed, cases);
  return following.unmount;
}

/** The dashboard of hotline operators and police officers. */
export function mountIntake(container, ctx) {
  return intakeDashboard(container, ctx, { className: 'intake', titleKey: 'view.intake', formTitleKey: 'intake.title', casesTitleKey: 'cases.reported' });
}
