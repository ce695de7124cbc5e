// Pieces every dashboard shares: feed item cards, acknowledgement, badges, case links.

import { h } from '../dom.js';
import { t, e, dateTime, day, country, list } from '../i18n.js';
import { get, post } from '../api.js';
import { problemMessage, formSummary, showProblem } from '../forms.js';

export function isOverdue(item, now = Date.now()) {
  return Boolean(item.requiresAck && !item.acknowledgedAt && item.ackDeadline && new Date(item.ackDeadline).getTime() < now);
}

export function agencyName(ctx, id) {
  return ctx.agencies.get(id)?.name ?? id ?? t('none');
}

export function caseHref(id) {
  return `#/case/${encodeURIComponent(id)}`;
}

export function badge(text, kind) {
  return h('span', { class: `badge ${kind ?? ''}`.trim() }, text);
}

export function urgencyBadge(urgency) {
  return badge(e('Urgency', urgency), `urgency-${String(urgency).toLowerCase()}`);
}

function splitList(value) {
  return value ? value.split(',').filter(Boolean) : [];
}

/** Who the case is about without naming them: sex, age, minor — as the feed carries it. */
export function profile(data) {
  const parts = [e('Sex', data.sex)];
  if (data.age) {
    parts.push(t('case.age', { age: data.age }));
  }
  if (data.minor === 'true') {
    parts.push(t('case.minor'));
  }
  return parts.join(', ');
}

/** A place of the directory by its name (its code when the directory does not know it). */
function placeName(ctx, code) {
  return ctx.places?.get(code)?.name ?? code;
}

/**
 * How a journey reads: "Flight TK 345, IST → FRU", or "Rail 0123: Almaty-2 → Tashkent" from a
 * journey (a case's travel) or a pickup request's data (which carries the places' names).
 */
export function journeyText(j, ctx) {
  if (!j.mode || j.mode === 'Air') {
    return t('travel.flight', { flight: j.flightNumber, from: j.departureAirport, to: j.arrivalAirport });
  }
  return t('travel.journey', {
    mode: e('TravelMode', j.mode),
    reference: j.reference ? ` ${j.reference}` : '',
    from: j.departurePlaceName ?? placeName(ctx, j.departurePlace),
    to: j.arrivalPlaceName ?? placeName(ctx, j.arrivalPlace),
  });
}

/** The item's summary in the reader's language; the server's English summary is the fallback. */
export function summarize(item, ctx) {
  const d = item.data ?? {};
  switch (item.type) {
    case 'ReferralReceived': {
      const services = splitList(d.services).map((s) => e('AgencyService', s));
      return `${profile(d)}; ${e('Situation', d.situation)}, ${country(d.currentCountry)}` +
        (services.length ? `. ${t('referral.services', { services: list(services) })}` : '') +
        (d.answerBy ? `. ${t('referral.answerBy', { at: dateTime(d.answerBy, ctx.timeZone) })}` : '');
    }
    case 'ReferralExpired':
      return t('referral.expiredSummary', { agency: agencyName(ctx, d.toAgencyId), at: dateTime(d.answerBy, ctx.timeZone) });
    case 'PickupRequested':
    case 'PickupUpdated':
      return (item.type === 'PickupUpdated' ? `${t('travel.delayed')}: ` : '') + journeyText(d, ctx) +
        `. ${t('travel.arrives', { at: dateTime(d.scheduledArrival, d.timeZone || ctx.timeZone, { zoneName: true }) })}`;
    case 'ArrivalNotConfirmed':
      return t('arrival.notConfirmed', { journey: journeyText(d, ctx), at: dateTime(d.scheduledArrival, d.timeZone || ctx.timeZone, { zoneName: true }) });
    case 'ReferralAccepted':
      return `${e('FeedItemType', item.type)}: ${agencyName(ctx, d.toAgencyId)}`;
    case 'ReferralDeclined':
      return `${e('FeedItemType', item.type)}: ${agencyName(ctx, d.toAgencyId)} — ${d.reason ?? ''}`;
    case 'CaseUpdated':
      return `${e('CaseEventType', d.event)} → ${e('CaseStatus', d.status)} (${agencyName(ctx, d.byAgencyId)})`;
    case 'FollowUpDue':
      return t('followUp.item', { n: d.followUp, at: dateTime(d.dueAt, ctx.timeZone) });
    case 'PossibleReTrafficking':
      return t('retrafficking.summary', { earlier: d.earlierCaseId, new: d.newCaseId });
    case 'AckOverdue':
      return `${e('FeedItemType', d.itemType)}: ${t('feed.overdue')} (${agencyName(ctx, d.recipientAgencyId)})`;
    case 'TaskAssigned':
      return t('task.assigned', { committee: agencyName(ctx, d.committeeId), title: d.title, due: day(d.dueDate) });
    case 'TaskOverdue':
      return t('task.overdue', { title: d.title, due: day(d.dueDate), days: d.daysOverdue, status: e('ActionPlanTaskStatus', d.status) });
    case 'TaskUpdated':
      return d.previousOwnerAgencyId
        ? t('task.reassigned', { title: d.title, from: agencyName(ctx, d.previousOwnerAgencyId), to: agencyName(ctx, d.ownerAgencyId) })
        : `${d.title}: ${e('ActionPlanTaskStatus', d.status)} (${agencyName(ctx, d.byAgencyId)})`;
    default:
      return item.summary;
  }
}

export async function acknowledge(ctx, item) {
  try {
    ctx.store.merge([await post(`/api/alerts/${encodeURIComponent(item.id)}/ack`)]);
  } catch (error) {
    ctx.notify(problemMessage(error), { kind: 'error' });
  }
}

/** Acknowledgement state and button; the button keeps a stable focus key across re-renders. */
export function ackControls(item, ctx) {
  if (!item.requiresAck) {
    return null;
  }
  if (item.acknowledgedAt) {
    return h('p', { class: 'ack-state' }, t('feed.acknowledged', { by: item.acknowledgedBy, at: dateTime(item.acknowledgedAt, ctx.timeZone) }));
  }
  return h('div', { class: 'ack-row' },
    isOverdue(item) ? badge(t('feed.overdue'), 'overdue') : h('span', { class: 'deadline' }, t('feed.ackBy', { at: dateTime(item.ackDeadline, ctx.timeZone) })),
    h('button', {
      type: 'button',
      class: 'button',
      dataset: { focusKey: `ack-${item.id}`, action: 'ack' },
      onclick: (event) => {
        event.currentTarget.disabled = true;
        acknowledge(ctx, item);
      },
    }, t('feed.ack')));
}

export function caseLink(caseId) {
  return caseId ? h('a', { href: caseHref(caseId), class: 'case-link', dataset: { focusKey: `case-${caseId}` } }, caseId) : null;
}

// Whether the agency may see a case: a re-trafficking alert links the new case only for an agency
// involved in it (its timeline answers 404 to any other). A case seen stays linked for the session;
// one not seen is asked again at the next render, as the agency may have been referred it since.
const visibleCases = new Map();
window.addEventListener('session', () => visibleCases.clear());

function linkIfVisible(caseId) {
  const holder = h('span', { class: 'new-case', dataset: { caseId } });
  if (!visibleCases.has(caseId)) {
    visibleCases.set(caseId, get(`/api/cases/${encodeURIComponent(caseId)}/timeline`).then(() => true, () => false));
  }
  visibleCases.get(caseId).then((visible) => {
    if (!visible) {
      visibleCases.delete(caseId);
    }
    holder.replaceChildren(visible ? caseLink(caseId) : h('span', { class: 'hint' }, t('retrafficking.notVisible', { id: caseId })));
  });
  return holder;
}

// Which items' notification logs are open: a card is redrawn on every change of the feed.
const openLogs = new Set();
window.addEventListener('session', () => openLogs.clear());

function logEntry(entry, timeZone) {
  const args = { to: entry.to, time: dateTime(entry.at, timeZone), level: entry.level + 1, attempt: entry.attempt };
  if (entry.channel === 'push') {
    return t(entry.outcome === 'delivered' ? 'notifications.pushed' : 'notifications.pushFailed', args);
  }
  if (entry.channel === 'webhook') {
    return t(entry.outcome === 'delivered' ? 'notifications.delivered' : 'notifications.webhookFailed', args);
  }
  switch (entry.outcome) {
    case 'sent':
      return t(entry.level === 0 ? 'notifications.sent' : 'notifications.escalated', args)
        + (entry.groupedWith ? ` (${t('notifications.grouped', { count: entry.groupedWith })})` : '');
    case 'failed':
      return t('notifications.failed', args);
    case 'no channel':
      return t('notifications.noChannel', args);
    default:
      return t('notifications.nobody', args);
  }
}

/** "e-mailed a***@… 02:41 · escalated to b***@… 02:56": who was notified of an item that needs acknowledgement, read when opened. */
function notificationLog(item, ctx) {
  if (!item.requiresAck) {
    return null;
  }
  const line = h('p', { class: 'notification-log' });
  const load = () => get(`/api/alerts/${encodeURIComponent(item.id)}/notifications`).then((log) => {
    line.textContent = log.length ? log.map((entry) => logEntry(entry, ctx.timeZone)).join(' · ') : t('notifications.none');
  }, (error) => {
    line.textContent = problemMessage(error);
  });
  const details = h('details', { class: 'notifications', open: openLogs.has(item.id) },
    h('summary', { dataset: { focusKey: `log-${item.id}` } }, t('notifications.title')), line);
  details.addEventListener('toggle', () => {
    if (details.open) {
      openLogs.add(item.id);
      load();
    } else {
      openLogs.delete(item.id);
    }
  });
  return details;
}

export function itemCard(item, ctx, { actions = null, extraClass = '' } = {}) {
  const classes = ['card', 'feed-item', extraClass];
  if (isOverdue(item)) {
    classes.push('overdue');
  }
  if (item.requiresAck && !item.acknowledgedAt) {
    classes.push('unacknowledged');
  }
  return h('li', { class: classes.filter(Boolean).join(' '), dataset: { id: item.id, seq: String(item.seq), type: item.type } },
    h('div', { class: 'card-head' },
      h('span', { class: 'item-type' }, e('FeedItemType', item.type)),
      urgencyBadge(item.urgency),
      caseLink(item.caseId)),
    h('p', { class: 'summary' }, summarize(item, ctx)),
    item.type === 'PossibleReTrafficking' && item.data?.newCaseId ? h('p', {}, linkIfVisible(item.data.newCaseId)) : null,
    h('p', { class: 'meta' }, dateTime(item.occurredAt, ctx.timeZone)),
    actions,
    ackControls(item, ctx),
    notificationLog(item, ctx));
}

/** Replaces a list's items keeping keyboard focus on the same control when it still exists. */
export function renderKeyed(container, nodes) {
  const active = document.activeElement;
  const focused = active?.closest?.('[data-focus-key]');
  const key = container.contains(focused) ? focused.dataset.focusKey : null;
  const inside = active && active !== container && container.contains(active) ? active : null;
  container.replaceChildren(...nodes);
  // A control kept across redraws (a form a card holds open) is moved, not rebuilt: moving it loses focus.
  if (inside && container.contains(inside)) {
    inside.focus();
  } else if (key) {
    container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
  }
}

export function feedList(items, ctx, emptyText) {
  const ul = h('ul', { class: 'cards' });
  renderKeyed(ul, items.length ? items.map((item) => itemCard(item, ctx)) : [h('li', { class: 'empty' }, emptyText ?? t('feed.empty'))]);
  return ul;
}

export function section(titleKey, ...children) {
  const id = `h-${titleKey.replace(/\W/g, '-')}`;
  return h('section', { class: 'panel', 'aria-labelledby': id },
    h('h2', { id }, t(titleKey)),
    ...children);
}

/** Cards of the cases a list shows, by urgency and then the newest first; <paramref name="emptyText"/> when there are none. */
export function caseList(cases, ctx, emptyText) {
  const rank = { Critical: 0, Urgent: 1, Routine: 2 };
  const sorted = [...cases].sort((a, b) => rank[a.urgency] - rank[b.urgency] || new Date(b.flaggedAt) - new Date(a.flaggedAt));
  if (!sorted.length) {
    return [h('li', { class: 'empty' }, emptyText)];
  }
  return sorted.map((c) => h('li', { class: 'card case-card', dataset: { caseId: c.id } },
    h('div', { class: 'card-head' },
      caseLink(c.id),
      badge(e('CaseStatus', c.status), 'status'),
      urgencyBadge(c.urgency)),
    c.person ? h('p', { class: 'summary' }, `${c.person.fullName} — ${e('Situation', c.situation)}, ${country(c.currentCountry)}`) : null,
    h('p', { class: 'meta' }, t('cases.flaggedAt', { at: dateTime(c.flaggedAt, ctx.timeZone) }),
      c.referrals?.length ? ` · ${c.referrals.map((r) => `${agencyName(ctx, r.toAgencyId)}: ${e('ReferralStatus', r.status)}`).join('; ')}` : '')));
}

/**
 * Wires a dashboard to its feed: renders the feed on every change and keeps the case list panel
 * (caseListPanel.js) fresh, reading it anew (debounced) whenever an item about a case arrives or
 * changes. Returns the view's unmount function and reloadCases, for a view whose own action changed
 * a case without a feed item telling it (a consul's flag).
 */
export function followFeed(ctx, renderFeed, casesPanel) {
  let pending = null;
  const unsubscribe = ctx.store.subscribe((change) => {
    renderFeed();
    if ([...change.added, ...change.updated].some((i) => i.caseId)) {
      clearTimeout(pending);
      pending = setTimeout(casesPanel.reload, 300);
    }
  });
  renderFeed();
  casesPanel.reload();
  return {
    unmount: () => {
      unsubscribe();
      clearTimeout(pending);
      casesPanel.dispose();
    },
    reloadCases: casesPanel.reload,
  };
}

/**
 * A page that shows one resource: its title and "Loading…", then <paramref name="render"/> with what
 * GET <paramref name="path"/> answers, or the problem. Returns the view's unmount.
 */
export function loadPage(container, pageClass, titleKey, path, render) {
  let disposed = false;
  const frame = (...children) => container.replaceChildren(h('div', { class: `dashboard ${pageClass}` },
    h('h1', { class: 'view-title' }, t(titleKey)), ...children));
  frame(h('p', {}, t('loading')));
  get(path).then((data) => {
    if (!disposed) {
      render(data);
    }
  }).catch((error) => {
    if (!disposed) {
      const summary = h('div', {}, formSummary());
      frame(summary);
      showProblem(summary, error);
    }
  });
  return () => {
    disposed = true;
  };
}
