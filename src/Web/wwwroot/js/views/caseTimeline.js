// The timeline of a case: every event with its time (in the agency's zone), who recorded it (user
// and agency), and its note.

import { h } from '../dom.js';
import { t, e, dateTime } from '../i18n.js';
import { agencyName } from './common.js';
import { outcomeBadge } from './reintegration.js';
import { factNames } from './caseCorrection.js';

export function timelineItems(events, ctx) {
  return events.map((ev) => h('li', { dataset: { type: ev.type, outcome: ev.outcome ?? '' }, class: ev.outcome === 'ReTrafficked' ? 'retrafficked' : '' },
    h('time', { datetime: ev.at }, dateTime(ev.at, ctx.timeZone)), ' ',
    h('strong', {}, e('CaseEventType', ev.type)), ev.reason ? ` (${e('ClosureReason', ev.reason)})` : '',
    ev.followUp ? ` (${t('timeline.followUp', { n: ev.followUp })})` : '',
    ev.outcome ? [' ', outcomeBadge(ev.outcome)] : '',
    ev.fields?.length ? h('span', { class: 'fields' }, ` (${factNames(ev.fields)})`) : '', ' — ',
    h('span', { class: 'by' }, t('case.by', { user: ev.username, agency: agencyName(ctx, ev.agencyId) })),
    ev.note ? h('span', { class: 'note' }, ` · ${ev.note}`) : null));
}
