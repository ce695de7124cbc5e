// One case as an involved agency sees it: its details, and the panels of what the caller may do,
// each shown only when the server's allowedActions offers it (the referrals, travel, steps,
// reintegration, closing and correcting the facts each live in their own module), and the timeline.
// Refreshes itself when the agency's feed says something happened to the case.

import { h } from '../dom.js';
import { t, e, dateTime, country, list } from '../i18n.js';
import { get } from '../api.js';
import { problemMessage } from '../forms.js';
import { badge, urgencyBadge, agencyName, renderKeyed } from './common.js';
import { referralItems, referralForm } from './caseReferral.js';
import { travelInfo, travelForm, delayForm } from './caseTravel.js';
import { hasSteps, stepsForm } from './caseActions.js';
import { hasReintegration, reintegration } from './reintegration.js';
import { closeForm } from './caseClose.js';
import { correctionForm } from './caseCorrection.js';
import { timelineItems } from './caseTimeline.js';
import { consentForm } from './caseConsent.js';
import { consentSummary } from './consentFields.js';

function details(c, ctx) {
  const row = (label, ...value) => [h('dt', {}, label), h('dd', {}, ...value)];
  const p = c.person;
  return h('dl', { class: 'details' },
    p ? row(t('case.person'), `${p.fullName} — ${e('Sex', p.sex)}, ${p.birthYear}`, c.minor ? ` (${t('case.minor')})` : '', `, ${country(p.citizenship)}`)
      : row(t('case.person'), h('span', { id: 'case-person-withheld' }, t('case.personWithheld')), c.minor ? ` (${t('case.minor')})` : ''),
    p?.passportNumber ? row(t('case.passport'), p.passportNumber) : null,
    p?.phone ? row(t('case.phone'), p.phone) : null,
    row(t('case.location'), [c.location, c.currentRegion, country(c.currentCountry)].filter(Boolean).join(', ')),
    row(t('case.situation'), e('Situation', c.situation)),
    row(t('case.exploitation'), list((c.exploitation ?? [c.exploitationType]).map((x) => e('ExploitationType', x)))),
    row(t('case.needs'), c.needs.length ? list(c.needs.map((n) => e('Need', n))) : t('none')),
    row(t('case.urgency'), urgencyBadge(c.urgency)),
    row(t('case.homeRegion'), c.homeRegion),
    row(t('case.consent'), h('span', { id: 'case-consent' }, consentSummary(c.consent))),
    row(t('case.route'), e('CaseRoute', c.route ?? 'Return')),
    c.identifiedBy ? row(t('case.identifiedBy'), e('IdentificationChannel', c.identifiedBy)) : null,
    row(t('case.flaggedBy'), `${agencyName(ctx, c.flaggedByAgencyId)}, ${dateTime(c.flaggedAt, ctx.timeZone)}`),
    c.reportedByAgencyId ? row(t('case.reportedBy'), agencyName(ctx, c.reportedByAgencyId)) : null,
    c.closureReason ? row(t('case.closureReason'), e('ClosureReason', c.closureReason)) : null);
}

const offers = (c, type) => (c.allowedActions ?? []).includes(type);

/**
 * A panel (its title a text, or a function of the case) that shows a form while `shownFor(c)` gives a key (the case's version, or true), and
 * rebuilds it only when that key changes: a form may hold typed input across refreshes, and a
 * form built for one version acts on that version.
 */
function formPanel(id, title, build) {
  const host = h('section', { class: 'panel', id, 'aria-labelledby': `h-${id}`, hidden: true });
  let shownFor = null;
  return {
    host,
    update(key, c) {
      if (key === shownFor) {
        return;
      }
      shownFor = key;
      host.hidden = key === null;
      host.replaceChildren(...(key === null ? [] : [h('h2', { id: `h-${id}` }, typeof title === 'function' ? title(c) : title), build(c)].flat().filter(Boolean)));
    },
  };
}

export function mountCase(container, ctx, caseId) {
  const status = h('span', { class: 'status-holder' });
  const title = h('h1', { class: 'view-title', tabindex: '-1' }, t('case.title', { id: caseId }), ' ', status);
  const detailsHost = h('div');
  const referralList = h('ul', { class: 'cards', id: 'case-referrals' });
  const travelHost = h('div', { id: 'case-travel' });
  const travelFormHost = h('div', { id: 'case-travel-form' });
  const timeline = h('ol', { class: 'timeline', id: 'case-timeline' });
  const message = h('p', { class: 'form-result', role: 'status' });

  // After the caller's own change, focus goes to the title with the new status, where the
  // re-rendered panels below begin; the form that had focus may be gone.
  const changed = () => load().then(() => title.focus());
  const steps = formPanel('case-steps', t('step.title'), (c) => stepsForm(c, ctx, changed, changed));
  // The opening post refers by hand; an agency that accepted the person refers onward.
  const refer = formPanel('case-refer', (c) => t(c.flaggedByAgencyId === ctx.agency.id ? 'refer.title' : 'refer.onwardTitle'),
    (c) => referralForm(c, ctx, changed));
  const close = formPanel('case-close', t('close.title'), (c) => closeForm(c, ctx, changed));
  const correct = formPanel('case-correct', t('correct.title'), (c) => correctionForm(c, ctx, changed));
  const consent = formPanel('case-consent-panel', t('consent.change'), (c) => consentForm(c, ctx, changed));
  const delay = formPanel('case-delay', t('travel.delay.title'), (c) => delayForm(c, ctx, changed));
  // The reintegration panel brings its own heading, and is rebuilt like the forms: its forms may hold typed input.
  const reintegrationHost = h('section', { class: 'panel', id: 'case-reintegration', 'aria-labelledby': 'h-case-reintegration', hidden: true });
  let reintegrationShownFor = null;

  container.replaceChildren(h('div', { class: 'case-view' },
    h('p', {}, h('a', { href: '#/', class: 'back' }, `← ${t('back')}`)),
    title,
    message,
    h('div', { class: 'columns' },
      h('div', { class: 'column' },
        steps.host,
        h('section', { class: 'panel', 'aria-labelledby': 'h-case-details' }, h('h2', { id: 'h-case-details' }, t('case.status')), detailsHost),
        h('section', { class: 'panel', 'aria-labelledby': 'h-case-referrals' }, h('h2', { id: 'h-case-referrals' }, t('case.referrals')), referralList),
        refer.host,
        reintegrationHost,
        close.host),
      h('div', { class: 'column' },
        h('section', { class: 'panel', 'aria-labelledby': 'h-case-travel' }, h('h2', { id: 'h-case-travel' }, t('case.travel')), travelHost, travelFormHost),
        delay.host,
        correct.host,
        consent.host,
        h('section', { class: 'panel', 'aria-labelledby': 'h-case-timeline' }, h('h2', { id: 'h-case-timeline' }, t('case.timeline')), timeline)))));

  // The travel form stays mounted across refreshes (it may hold typed input) and is rebuilt only
  // when it appears, disappears, or has just been submitted.
  let travelShown = false;
  const booked = () => {
    travelShown = null;
    changed();
  };
  const isConsul = ctx.me.roles.includes('ConsularOfficer');
  const show = (c, events) => {
    status.replaceChildren(badge(e('CaseStatus', c.status), 'status'));
    detailsHost.replaceChildren(details(c, ctx));
    renderKeyed(referralList, referralItems(c, ctx, load));
    travelHost.replaceChildren(travelInfo(c, ctx));
    // Booking travel is consuls' work at the edge, referring consuls' and (onward) caseworkers'; the server offers them by the agency's relation.
    const canBook = isConsul && offers(c, 'TravelBooked');
    if (canBook !== travelShown) {
      travelShown = canBook;
      travelFormHost.replaceChildren(canBook ? h('h3', {}, t('travel.title')) : '', canBook ? travelForm(c, ctx, booked) : '');
    }
    steps.update(hasSteps(c) ? c.version : null, c);
    refer.update((isConsul || ctx.me.roles.includes('NgoCaseworker')) && offers(c, 'Referred') ? c.version : null, c);
    close.update(offers(c, 'Closed') ? c.version : null, c);
    correct.update(offers(c, 'Corrected') ? c.version : null, c);
    consent.update(offers(c, 'ConsentChanged') ? c.version : null, c);
    delay.update(isConsul && offers(c, 'TravelDelayed') ? c.version : null, c);
    const reintegrationFor = hasReintegration(c) ? c.version : null;
    if (reintegrationFor !== reintegrationShownFor) {
      reintegrationShownFor = reintegrationFor;
      reintegrationHost.hidden = reintegrationFor === null;
      reintegrationHost.replaceChildren(...(reintegrationFor === null ? [] : reintegration(c, ctx, changed).flat().filter(Boolean)));
    }
    timeline.replaceChildren(...timelineItems(events, ctx));
  };

  let stopped = false;
  async function load() {
    try {
      const [c, events] = await Promise.all([
        get(`/api/cases/${encodeURIComponent(caseId)}`),
        get(`/api/cases/${encodeURIComponent(caseId)}/timeline`),
      ]);
      if (!stopped) {
        message.textContent = '';
        show(c, events);
      }
    } catch (error) {
      if (!stopped) {
        message.textContent = error.status === 404 ? t('case.notFound') : problemMessage(error);
      }
    }
  }

  let pending = null;
  const unsubscribe = ctx.store.subscribe((change) => {
    if ([...change.added, ...change.updated].some((i) => i.caseId === caseId)) {
      clearTimeout(pending);
      pending = setTimeout(load, 200);
    }
  });
  load();
  return () => {
    stopped = true;
    unsubscribe();
    clearTimeout(pending);
  };
}
