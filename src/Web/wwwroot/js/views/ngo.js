// The receiving NGO's or shelter's dashboard: incoming referrals to answer, the arrivals board
// in the agency's own time zone, other alerts (committee tasks with their progress report), its free
// beds (which its coordinator publishes), the cases the agency is part of, and the form to open a case for a person it meets.

import { h } from '../dom.js';
import { t, dateTime } from '../i18n.js';
import { itemCard, renderKeyed, section, caseLink, ackControls, isOverdue, urgencyBadge, profile, followFeed, journeyText } from './common.js';
import { caseListPanel } from './caseListPanel.js';
import { referralActions } from './referrals.js';
import { taskProgressAction } from './taskProgress.js';
import { intakeForm } from './intake.js';
import { capacityPanel } from './capacity.js';

const Handled = new Set(['ReferralReceived', 'PickupRequested', 'PickupUpdated']);

function arrivalCard(item, ctx) {
  const d = item.data ?? {};
  const zone = d.timeZone || ctx.timeZone;
  const classes = ['card', 'arrival'];
  if (isOverdue(item)) {
    classes.push('overdue');
  }
  if (!item.acknowledgedAt) {
    classes.push('unacknowledged');
  }
  return h('li', { class: classes.join(' '), dataset: { id: item.id, seq: String(item.seq), type: item.type } },
    h('div', { class: 'card-head' },
      h('time', { class: 'arrival-time', datetime: d.scheduledArrival }, dateTime(d.scheduledArrival, zone)),
      urgencyBadge(item.urgency),
      item.type === 'PickupUpdated' ? h('span', { class: 'badge overdue' }, t('travel.delayed')) : null,
      caseLink(item.caseId)),
    h('p', { class: 'summary' }, journeyText(d, ctx)),
    h('p', { class: 'meta' }, `${profile(d)} · ${d.escort ?? ''}`),
    ackControls(item, ctx));
}

export function mountNgo(container, ctx) {
  const referrals = h('ul', { class: 'cards', id: 'referrals' });
  const arrivals = h('ul', { class: 'cards', id: 'arrivals' });
  const others = h('ul', { class: 'cards', id: 'other-alerts' });
  const cases = caseListPanel(ctx);
  const intakeHost = h('div');
  let following = null;
  const renderIntake = (message) => {
    const form = intakeForm(ctx, (opened, routing) => {
      renderIntake(h('p', {},
        h('strong', {}, t('flag.created', { id: opened.id })), ' ', routing, ' ', caseLink(opened.id)));
      following.reloadCases();
    });
    intakeHost.replaceChildren(form);
    if (message) {
      const result = form.querySelector('.form-result');
      result.replaceChildren(message);
      result.focus();
    }
  };

  container.replaceChildren(h('div', { class: 'dashboard ngo' },
    h('h1', { class: 'view-title' }, t('view.ngo')),
    h('div', { class: 'columns' },
      h('div', { class: 'column' },
        section('ngo.referrals', referrals),
        section('ngo.activity', others)),
      h('div', { class: 'column' },
        section('ngo.arrivals', h('p', { class: 'hint' }, t('ngo.timeZoneNote', { zone: ctx.timeZone })), arrivals),
        capacityPanel(ctx),
        section('cases.ours', cases.element),
        section('ngo.intake', intakeHost)))));
  renderIntake();

  const renderFeed = () => {
    const items = ctx.store.items();
    const incoming = items.filter((i) => i.type === 'ReferralReceived');
    renderKeyed(referrals, incoming.length
      ? incoming.map((item) => itemCard(item, ctx, {
        actions: item.acknowledgedAt || !item.caseId || !item.data?.referralId ? null : referralActions(ctx, item.caseId, item.data.referralId),
      }))
      : [h('li', { class: 'empty' }, t('ngo.noReferrals'))]);

    // A delay's update replaces the case's earlier pickup on the board: the latest item of each case stands.
    const latest = new Map();
    for (const item of items.filter((i) => i.type === 'PickupRequested' || i.type === 'PickupUpdated')) {
      if (!latest.has(item.caseId) || latest.get(item.caseId).seq < item.seq) {
        latest.set(item.caseId, item);
      }
    }
    const pickups = [...latest.values()]
      .sort((a, b) => new Date(a.data?.scheduledArrival) - new Date(b.data?.scheduledArrival));
    renderKeyed(arrivals, pickups.length ? pickups.map((item) => arrivalCard(item, ctx)) : [h('li', { class: 'empty' }, t('ngo.noArrivals'))]);

    const rest = items.filter((i) => !Handled.has(i.type));
    renderKeyed(others, rest.length ? rest.map((item) => itemCard(item, ctx, { actions: taskProgressAction(item) })) : [h('li', { class: 'empty' }, t('feed.empty'))]);
  };

  following = followFeed(ctx, renderFeed, cases);
  return following.unmount;
}

