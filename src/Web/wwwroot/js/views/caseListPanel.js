// The agency's case list on the post's and the NGO's dashboards: search by case id, filters (status
// with each status's count, urgency, route, overdue alerts), and paging by case id. The server filters
// (GET /api/cases, GET /api/cases/counts); the list is read anew when the feed says a case changed.

import { h } from '../dom.js';
import { t, e, enumValues } from '../i18n.js';
import { get } from '../api.js';
import { field, textInput, select } from '../forms.js';
import { caseList, renderKeyed } from './common.js';

const PageSize = 50;
const TypingPauseMs = 300;

/** The query string of one page of the list under <paramref name="filter"/>. */
function queryOf(filter, after) {
  const query = new URLSearchParams({ limit: String(PageSize) });
  if (filter.status === 'open') {
    query.set('open', 'true');
  } else if (filter.status !== 'all') {
    query.set('status', filter.status);
  }
  for (const [name, value] of [['urgency', filter.urgency], ['route', filter.route], ['q', filter.q], ['after', after]]) {
    if (value) {
      query.set(name, value);
    }
  }
  if (filter.overdue) {
    query.set('overdue', 'true');
  }
  return query;
}

/** The panel: its element, and reload() for when a case may have changed. */
export function caseListPanel(ctx) {
  const filter = { q: '', status: 'open', urgency: '', route: '', overdue: false };
  let cases = [];
  let more = false;
  let counts = {};

  const list = h('ul', { class: 'cards', id: 'cases' });
  const shown = h('p', { class: 'hint', id: 'cases-shown', 'aria-live': 'polite' });
  const moreButton = h('button', { type: 'button', class: 'button secondary', id: 'cases-more', hidden: true }, t('cases.more'));
  const search = textInput({ id: 'case-search', type: 'search', maxlength: '32', autocapitalize: 'characters', spellcheck: 'false' });
  const status = select([], 'open', { id: 'case-status' });
  const urgency = select([['', t('cases.urgency.any')], ...enumValues('Urgency').map((u) => [u, e('Urgency', u)])], '', { id: 'case-urgency' });
  const route = select([['', t('cases.route.any')], ...enumValues('CaseRoute').map((r) => [r, e('CaseRoute', r)])], '', { id: 'case-route' });
  const overdue = h('input', { type: 'checkbox', id: 'case-overdue' });

  const renderStatusOptions = () => {
    const open = Object.entries(counts).filter(([s]) => s !== 'Closed' && s !== 'Withdrawn').reduce((sum, [, n]) => sum + n, 0);
    const all = Object.values(counts).reduce((sum, n) => sum + n, 0);
    const options = [
      ['open', t('cases.status.open', { count: open })],
      ['all', t('cases.status.all', { count: all })],
      ...enumValues('CaseStatus').map((s) => [s, `${e('CaseStatus', s)} (${counts[s] ?? 0})`]),
    ];
    status.replaceChildren(...options.map(([value, text]) => h('option', { value, selected: value === filter.status }, text)));
  };

  const render = () => {
    const filtered = filter.q || filter.urgency || filter.route || filter.overdue || filter.status !== 'open';
    renderKeyed(list, caseList(cases, ctx, filtered ? t('cases.noMatch') : t('cases.empty')));
    shown.textContent = t('cases.shown', { count: cases.length });
    moreButton.hidden = !more;
  };

  const load = async ({ append = false } = {}) => {
    try {
      const after = append && cases.length ? cases[cases.length - 1].id : null;
      const [page, latestCounts] = await Promise.all([
        get(`/api/cases?${queryOf(filter, after)}`),
        append ? Promise.resolve(counts) : get('/api/cases/counts'),
      ]);
      cases = append ? [...cases, ...page] : page;
      more = page.length === PageSize;
      counts = latestCounts;
      renderStatusOptions();
    } catch {
      // keep what is shown; the next feed change or filter change tries again
    }
    render();
  };

  let typing = null;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      filter.q = search.value.trim();
      load();
    }, TypingPauseMs);
  });
  status.addEventListener('change', () => {
    filter.status = status.value;
    load();
  });
  urgency.addEventListener('change', () => {
    filter.urgency = urgency.value;
    load();
  });
  route.addEventListener('change', () => {
    filter.route = route.value;
    load();
  });
  overdue.addEventListener('change', () => {
    filter.overdue = overdue.checked;
    load();
  });
  moreButton.addEventListener('click', () => load({ append: true }));

  renderStatusOptions();
  const element = h('div', { class: 'case-list' },
    h('div', { class: 'filters', role: 'search', 'aria-label': t('cases.filters') },
      field('case-search', t('cases.search'), search, { hint: t('cases.search.hint') }),
      h('div', { class: 'row' },
        field('case-status', t('cases.status'), status),
        field('case-urgency', t('cases.urgency'), urgency),
        field('case-route', t('cases.route'), route)),
      h('div', { class: 'choice' }, overdue, h('label', { for: 'case-overdue' }, t('cases.overdue')))),
    shown,
    list,
    moreButton);
  return { element, reload: () => load(), dispose: () => clearTimeout(typing) };
}
