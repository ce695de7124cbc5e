// The committee's place: the action plan board (by area, columns by status; the secretary's tools
// in committeePlanTools.js), the overdue tasks, the monitoring report for a chosen period (default:
// the current quarter) with the printable report, and the country's case statistics with the
// funnel. Task feed items refresh the plan.

import { h, uid } from '../dom.js';
import { t, e, country, language, day as dueDate, number as num } from '../i18n.js';
import { get } from '../api.js';
import { session } from '../session.js';
import { problemMessage } from '../forms.js';
import { badge, itemCard, renderKeyed, section, agencyName } from './common.js';
import { planTools, taskEditControl, isSecretary } from './committeePlanTools.js';

const Areas = ['Prevention', 'Protection', 'Prosecution', 'Partnership', 'Coordination'];
const Statuses = ['NotStarted', 'InProgress', 'Done', 'Blocked'];
const FunnelStages = ['flagged', 'referred', 'returned', 'received', 'sheltered', 'reintegrated'];
const TaskItems = ['TaskAssigned', 'TaskUpdated', 'TaskOverdue'];

const pad = (n) => String(n).padStart(2, '0');
const isoDate = (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

/** The current quarter as [from, to) dates, UTC. */
export function currentQuarter(now = new Date()) {
  const q = Math.floor(now.getUTCMonth() / 3);
  return { from: isoDate(new Date(Date.UTC(now.getUTCFullYear(), q * 3, 1))), to: isoDate(new Date(Date.UTC(now.getUTCFullYear(), q * 3 + 3, 1))) };
}

function progressText(indicator) {
  if (!indicator) {
    return null;
  }
  return t('committee.task.indicator', { name: indicator.name, value: num(indicator.value), target: num(indicator.target), unit: indicator.unit });
}

function taskCard(task, ctx, actions = null) {
  const ind = task.indicator;
  const pct = ind?.progressPercent ?? null;
  return h('li', { class: `card task-card${task.overdue ? ' overdue' : ''}`, dataset: { taskId: task.id, area: task.area, status: task.status } },
    h('h4', { class: 'task-title' }, task.title),
    h('p', { class: 'meta' }, t('committee.task.owner', { owner: agencyName(ctx, task.ownerAgencyId) })),
    h('p', { class: 'meta' }, t('committee.task.due', { date: dueDate(task.dueDate) }),
      task.overdue ? ' ' : null,
      task.overdue ? badge(t('committee.task.overdue', { days: task.daysOverdue }), 'overdue') : null),
    ind ? h('p', { class: 'indicator' }, progressText(ind)) : null,
    ind && pct !== null ? h('div', {
      class: 'progress', role: 'progressbar', 'aria-label': ind.name,
      'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(Math.round(Math.max(0, Math.min(100, pct)))),
    }, h('span', { style: `width:${Math.max(0, Math.min(100, pct))}%` })) : null,
    actions);
}

function board(plan, ctx, editControl = null) {
  if (!plan.tasks.length) {
    return h('p', { class: 'empty' }, t('committee.plan.empty'));
  }
  return h('div', { class: 'plan-board' }, Areas.filter((area) => plan.tasks.some((x) => x.area === area)).map((area) => {
    const headingId = uid('area');
    return h('section', { class: 'plan-area', 'aria-labelledby': headingId, dataset: { area } },
      h('h3', { id: headingId }, e('ActionPlanArea', area)),
      h('div', { class: 'status-columns' }, Statuses.map((status) => {
        const tasks = plan.tasks.filter((x) => x.area === area && x.status === status);
        const colId = uid('status');
        return h('div', { class: 'status-column', dataset: { status }, role: 'group', 'aria-labelledby': colId },
          h('p', { class: 'status-head', id: colId }, `${e('ActionPlanTaskStatus', status)} (${tasks.length})`),
          h('ul', { class: 'cards' }, tasks.map((task) => taskCard(task, ctx, editControl?.(task)))));
      })));
  }));
}

function overdueList(plan, ctx) {
  const overdue = plan.tasks.filter((x) => x.overdue).sort((a, b) => b.daysOverdue - a.daysOverdue);
  if (!overdue.length) {
    return h('p', { class: 'empty' }, t('committee.overdue.none'));
  }
  return h('ul', { class: 'cards', id: 'committee-overdue-list' }, overdue.map((x) => h('li', { class: 'card overdue', dataset: { taskId: x.id } },
    h('p', { class: 'summary' }, x.title),
    h('p', { class: 'meta' }, `${e('ActionPlanArea', x.area)} · ${agencyName(ctx, x.ownerAgencyId)} · ${t('committee.task.due', { date: dueDate(x.dueDate) })} · `,
      badge(t('committee.task.overdue', { days: x.daysOverdue }), 'overdue')))));
}

function table(captionKey, headers, rows, className = '') {
  return h('div', { class: 'table-wrap' }, h('table', { class: `data ${className}`.trim() },
    h('caption', {}, t(captionKey)),
    h('thead', {}, h('tr', {}, headers.map((x, i) => h('th', { scope: 'col', class: i && typeof rows[0]?.[i] === 'number' ? 'num' : null }, x)))),
    h('tbody', {}, rows.length ? rows.map((row) => h('tr', {}, row.map((cell, i) => (i === 0 ? h('th', { scope: 'row' }, cell) : h('td', { class: typeof cell === 'number' ? 'num' : null }, cell)))))
      : h('tr', {}, h('td', { colspan: String(headers.length) }, t('committee.report.nothing'))))));
}

function reportTables(report, ctx) {
  const s = report.tasks;
  const statusHeads = [t('committee.report.area'), t('committee.report.total'), ...Statuses.map((x) => e('ActionPlanTaskStatus', x)), t('committee.report.overdue')];
  return [
    h('p', { class: 'meta' }, t('committee.report.asOf', { from: dueDate(report.period.from.slice(0, 10)), to: dueDate(report.period.to.slice(0, 10)), completed: s.completedInPeriod })),
    table('committee.report.byArea', statusHeads, [
      ...s.byArea.map((a) => [e('ActionPlanArea', a.area), a.total, a.notStarted, a.inProgress, a.done, a.blocked, a.overdue]),
      [t('committee.report.allAreas'), s.total, s.notStarted, s.inProgress, s.done, s.blocked, s.overdue],
    ], 'report-areas'),
    table('committee.report.indicators', [t('committee.report.task'), t('committee.report.owner'), t('committee.report.status'), t('committee.report.value'), t('committee.report.target'), t('committee.report.met')],
      report.indicators.map((x) => [x.title, x.ownerName || agencyName(ctx, x.ownerAgencyId), e('ActionPlanTaskStatus', x.status), num(x.indicator.value), `${num(x.indicator.target)} ${x.indicator.unit}`, x.indicator.met ? t('yes') : t('no')])),
    table('committee.report.overdueTasks', [t('committee.report.task'), t('committee.report.owner'), t('committee.report.due'), t('committee.report.daysOverdue')],
      report.overdue.map((x) => [x.title, x.ownerName || agencyName(ctx, x.ownerAgencyId), dueDate(x.dueDate), x.daysOverdue])),
  ];
}

/** A count the server suppressed as too small to publish is null. */
const Suppressed = '—';
const count = (value) => (value === null ? Suppressed : value);

function funnel(stats) {
  const values = FunnelStages.map((stage) => stats.funnel[stage] ?? 0);
  const max = Math.max(1, ...values);
  return h('div', { class: 'funnel-wrap' },
    h('h3', { id: 'funnel-heading' }, t('committee.stats.funnel')),
    h('ol', { class: 'funnel', 'aria-labelledby': 'funnel-heading' }, FunnelStages.map((stage, i) => h('li', { class: 'funnel-step', dataset: { stage } },
      h('span', { class: 'funnel-label' }, t(`committee.funnel.${stage}`)),
      h('span', { class: 'funnel-track', 'aria-hidden': 'true' }, h('span', { class: 'funnel-bar', style: `width:${(values[i] / max) * 100}%` })),
      h('span', { class: 'funnel-value' }, stats.funnel[stage] === null ? Suppressed : num(values[i]))))));
}

/** A breakdown of the period's cases by one value (only the values that occur), each named by its enumeration's text. */
function breakdown(titleKey, type, counts, id) {
  return counts && Object.keys(counts).length
    ? table(titleKey, [t('committee.stats.measure'), t('committee.stats.count')], Object.entries(counts).map(([value, n]) => [e(type, value), count(n)]), id)
    : null;
}

function statistics(stats) {
  const p = stats.persons;
  const c = stats.cases;
  return [
    h('p', { class: 'meta' }, t('committee.stats.country', { country: country(stats.country) })),
    h('div', { class: 'stats-split' },
      table('committee.stats.persons', [t('committee.stats.measure'), t('committee.stats.count')], [
        [t('committee.stats.total'), count(p.total)], [t('committee.stats.minors'), count(p.minors)],
        [t('committee.stats.female'), count(p.female)], [t('committee.stats.male'), count(p.male)],
        [t('committee.stats.withMoreThanOneCase'), count(p.withMoreThanOneCase)]], 'stats-persons'),
      table('committee.stats.cases', [t('committee.stats.measure'), t('committee.stats.count')], [
        [t('committee.stats.total'), count(c.total)], [t('committee.stats.open'), count(c.open)], [t('committee.stats.closed'), count(c.closed)],
        [t('committee.stats.withdrawn'), count(c.withdrawn)], [t('committee.stats.reopened'), count(c.reopened)]], 'stats-cases')),
    funnel(stats),
    stats.closuresByReason ? table('committee.stats.closures', [t('committee.stats.reason'), t('committee.stats.count')],
      Object.entries(stats.closuresByReason).map(([reason, n]) => [
        reason === 'NotRecorded' ? e('ClosureStatistic', reason) : e('ClosureReason', reason), count(n)]), 'stats-closures') : null,
    h('div', { class: 'stats-split' },
      breakdown('committee.stats.byIdentificationChannel', 'IdentificationChannel', stats.byIdentificationChannel, 'stats-channels'),
      breakdown('committee.stats.byRoute', 'CaseRoute', stats.byRoute, 'stats-routes'),
      breakdown('committee.stats.byReferralBasis', 'ReferralBasis', stats.byReferralBasis, 'stats-referral-basis')),
    stats.followUps ? table('committee.stats.followUps', [t('committee.stats.measure'), t('committee.stats.count')], [
      [t('committee.stats.followUpsDue'), count(stats.followUps.due)], [t('committee.stats.followUpsDone'), count(stats.followUps.done)],
      [t('committee.stats.followUpsOverdue'), count(stats.followUps.overdue)],
      ...Object.entries(stats.followUps.byOutcome).map(([outcome, n]) => [e('FollowUpOutcome', outcome), count(n)])], 'stats-follow-ups') : null,
    stats.medianDaysFlaggedToArrived !== null && stats.medianDaysFlaggedToArrived !== undefined
      ? h('p', { class: 'meta' }, t('committee.stats.median', { days: num(Math.round(stats.medianDaysFlaggedToArrived * 10) / 10) })) : null,
    stats.suppressed?.length ? h('p', { class: 'hint' }, t('committee.stats.suppressed', { mark: Suppressed })) : null,
  ];
}

/** report.html needs the bearer token, so it is fetched and opened as a page of its own, in the language the user reads. */
async function openPrintable(committeeId, period, ctx) {
  const win = window.open('', '_blank');
  let response;
  try {
    response = await fetch(`/api/committees/${encodeURIComponent(committeeId)}/report.html?from=${period.from}&to=${period.to}`,
      { headers: { Accept: 'text/html', 'Accept-Language': language(), Authorization: `Bearer ${session()?.accessToken ?? ''}` } });
  } catch {
    response = null;
  }
  if (!response?.ok) {
    win?.close();
    ctx.notify(t('committee.report.failed'), { kind: 'error' });
    return;
  }
  const url = URL.createObjectURL(new Blob([await response.text()], { type: 'text/html' }));
  if (win) {
    win.location.href = url;
  } else {
    window.location.assign(url);
  }
}

export function mountCommittee(container, ctx) {
  const committeeId = ctx.agency?.id;
  const secretary = isSecretary(ctx);
  const quarter = currentQuarter();
  const period = { ...quarter };
  const boardEl = h('div', { id: 'committee-board', 'aria-live': 'polite' }, h('p', { class: 'hint' }, t('loading')));
  const overdueEl = h('div', { id: 'committee-overdue' });
  const reportEl = h('div', { id: 'committee-report-body' });
  const statsEl = h('div', { id: 'committee-stats-body' });
  const feed = h('ul', { class: 'cards', id: 'committee-feed' });
  const fromId = uid('from');
  const toId = uid('to');
  const fromInput = h('input', { id: fromId, type: 'date', value: period.from, required: true });
  const toInput = h('input', { id: toId, type: 'date', value: period.to, required: true });
  const printable = h('a', {
    href: '#', class: 'button secondary', id: 'committee-printable',
    onclick: (event) => { event.preventDefault(); openPrintable(committeeId, period, ctx); },
  }, t('committee.report.printable'));
  const periodForm = h('form', {
    class: 'period-form',
    onsubmit: (event) => {
      event.preventDefault();
      period.from = fromInput.value || quarter.from;
      period.to = toInput.value || quarter.to;
      loadReport();
      loadStats();
    },
  },
  h('div', { class: 'field' }, h('label', { for: fromId }, t('committee.period.from')), fromInput),
  h('div', { class: 'field' }, h('label', { for: toId }, t('committee.period.to')), toInput),
  h('button', { type: 'submit', class: 'button' }, t('committee.period.show')),
  printable);

  container.replaceChildren(h('div', { class: 'dashboard committee' },
    h('h1', { class: 'view-title' }, t('committee.title')),
    section('committee.plan.title', secretary && committeeId ? planTools(ctx, committeeId, () => loadPlan()) : null, boardEl),
    h('div', { class: 'columns' },
      h('div', { class: 'column' }, section('committee.overdue.title', overdueEl)),
      h('div', { class: 'column' }, section('feed.title', feed))),
    h('section', { class: 'panel', 'aria-labelledby': 'h-committee-report' },
      h('h2', { id: 'h-committee-report' }, t('committee.report.title')),
      periodForm, reportEl),
    h('section', { class: 'panel', id: 'committee-stats', 'aria-labelledby': 'h-committee-stats' },
      h('h2', { id: 'h-committee-stats' }, t('committee.stats.title')), statsEl)));

  let alive = true;
  const failed = (el, error) => el.replaceChildren(h('p', { class: 'error', role: 'alert' }, problemMessage(error)));

  // The task cards' open edit forms, by task id: kept across the board's redraws.
  const editing = new Map();

  async function loadPlan() {
    if (!committeeId) {
      return;
    }
    try {
      const plan = await get(`/api/committees/${encodeURIComponent(committeeId)}/plan`);
      if (alive) {
        renderKeyed(boardEl, [board(plan, ctx, secretary ? (task) => taskEditControl(ctx, committeeId, task, loadPlan, editing) : null)]);
        overdueEl.replaceChildren(overdueList(plan, ctx));
      }
    } catch (error) {
      if (alive) {
        failed(boardEl, error);
      }
    }
  }

  async function loadReport() {
    reportEl.replaceChildren(h('p', { class: 'hint' }, t('loading')));
    try {
      const report = await get(`/api/committees/${encodeURIComponent(committeeId)}/report?from=${period.from}&to=${period.to}`);
      if (alive) {
        reportEl.replaceChildren(...reportTables(report, ctx).filter(Boolean));
      }
    } catch (error) {
      if (alive) {
        failed(reportEl, error);
      }
    }
  }

  async function loadStats() {
    statsEl.replaceChildren(h('p', { class: 'hint' }, t('loading')));
    try {
      const stats = await get(`/api/statistics?from=${period.from}&to=${period.to}`);
      if (alive) {
        statsEl.replaceChildren(...statistics(stats).filter(Boolean));
      }
    } catch (error) {
      if (alive) {
        failed(statsEl, error);
      }
    }
  }

  let refresh = null;
  const render = (change) => {
    const items = ctx.store.items();
    renderKeyed(feed, items.length ? items.map((item) => itemCard(item, ctx)) : [h('li', { class: 'empty' }, t('feed.empty'))]);
    const touched = [...(change?.added ?? []), ...(change?.updated ?? [])];
    if (touched.some((item) => TaskItems.includes(item.type))) {
      clearTimeout(refresh);
      refresh = setTimeout(loadPlan, 300);
    }
  };
  const unsubscribe = ctx.store.subscribe(render);
  render(null);
  loadPlan();
  loadReport();
  loadStats();
  return () => {
    alive = false;
    clearTimeout(refresh);
    unsubscribe();
  };
}
