// The person's consent (api.md "Consent and protection"), as the intake and a case's consent form
// record it: each use apart (referral, data sharing, research), who gave it — the person, or a
// guardian or legal representative, named — and an override that refers a case without referral
// consent. The server decides what a minor may consent to; the form names the fields it answers on.

import { h } from '../dom.js';
import { t, e, enumValues } from '../i18n.js';
import { field, choiceGroup, textInput, select, check } from '../forms.js';

export const ConsentUses = ['referral', 'dataSharing', 'research'];

/** The form's names of a multi-valued consent field, for readForm. */
export const ConsentMulti = ['consent.uses'];

/** The draft of a consent: empty for a new case, the case's own answers for a change. */
export function consentDraft(consent) {
  return {
    'consent.uses': consent ? ConsentUses.filter((use) => consent[use]) : [],
    'consent.givenBy': consent?.givenBy ?? 'Self',
    'consent.guardian.fullName': consent?.guardian?.fullName ?? '',
    'consent.guardian.relation': consent?.guardian?.relation ?? '',
    'consent.override': consent?.override ?? '',
    'consent.scope': consent?.scope ?? '',
  };
}

/** The consent fields, filled from the draft. */
export function consentFields(d) {
  const v = (name) => d[name] ?? '';
  return [
    choiceGroup('consent.uses', t('consent.uses'), 'checkbox', ConsentUses.map((use) => [use, t(`consent.use.${use}`)]), d['consent.uses'] ?? []),
    choiceGroup('consent.givenBy', t('consent.givenBy'), 'radio', enumValues('ConsentGiver').map((g) => [g, e('ConsentGiver', g)]), v('consent.givenBy') || 'Self'),
    h('div', { class: 'row' },
      field('consent.guardian.fullName', t('consent.guardianName'), textInput({ value: v('consent.guardian.fullName'), maxlength: '200' }), { hint: t('consent.guardianHint') }),
      field('consent.guardian.relation', t('consent.guardianRelation'), textInput({ value: v('consent.guardian.relation'), maxlength: '100' }))),
    field('consent.override', t('consent.override'),
      select([['', t('consent.noOverride')], ...enumValues('ConsentOverride').map((o) => [o, e('ConsentOverride', o)])], v('consent.override')),
      { hint: t('consent.overrideHint') }),
    field('consent.scope', t('flag.consentScope'), textInput({ value: v('consent.scope'), maxlength: '500' })),
  ];
}

const byGuardian = (d) => (d['consent.givenBy'] || 'Self') !== 'Self';

/** The checks of the consent fields, in the shape of forms.collect. */
export function consentChecks(d) {
  return {
    'consent.guardian.fullName': byGuardian(d)
      ? [check.required(d['consent.guardian.fullName']), check.maxLength(d['consent.guardian.fullName'], 200)] : [],
    'consent.guardian.relation': byGuardian(d)
      ? [check.required(d['consent.guardian.relation']), check.maxLength(d['consent.guardian.relation'], 100)] : [],
    'consent.scope': [check.maxLength(d['consent.scope'], 500)],
  };
}

/** The consent as the API takes it; a guardian typed in and then given up by choosing Self is not sent. */
export function consentRequest(d) {
  const uses = d['consent.uses'] ?? [];
  const scope = d['consent.scope']?.trim();
  return {
    referral: uses.includes('referral'),
    dataSharing: uses.includes('dataSharing'),
    research: uses.includes('research'),
    givenBy: d['consent.givenBy'] || 'Self',
    guardian: byGuardian(d) ? { fullName: d['consent.guardian.fullName'].trim(), relation: d['consent.guardian.relation'].trim() } : null,
    override: d['consent.override'] || null,
    scope: scope || null,
  };
}

/** The consent as the case view says it: each use, who gave it, and an override. */
export function consentSummary(consent) {
  const uses = ConsentUses.filter((use) => consent[use]).map((use) => t(`consent.use.${use}`));
  const parts = [uses.length ? uses.join('; ') : t('consent.none')];
  parts.push(t('consent.givenByText', { who: e('ConsentGiver', consent.givenBy ?? 'Self') })
    + (consent.guardian ? ` (${[consent.guardian.fullName, consent.guardian.relation].filter(Boolean).join(', ')})` : ''));
  if (consent.override) {
    parts.push(t('consent.overrideText', { reason: e('ConsentOverride', consent.override) }));
  }
  if (consent.scope) {
    parts.push(consent.scope);
  }
  return parts.join(' — ');
}
