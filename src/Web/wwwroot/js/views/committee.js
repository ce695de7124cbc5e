// The committee's place. The action plan board, the monitoring report and the statistics funnel
// come with the committee API; until then the committee sees its feed (task assignments arrive
// there) so the role already has a working dashboard.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { itemCard, renderKeyed, section } from './common.js';

export function mountCommittee(container, ctx) {
  const feed = h('ul', { class: 'cards', id: 'committee-feed' });
  container.replaceChildren(h('div', { class: 'dashboard committee' },
    h('h1', { class: 'view-title' }, t('committee.title')),
    h('div', { class: 'columns' },
      h('div', { class: 'column', id: 'committee-board' },
        section('view.committee', h('p', { class: 'hint' }, t('committee.pending')))),
      h('div', { class: 'column' }, section('feed.title', feed)))));

  const render = () => {
    const items = ctx.store.items();
    renderKeyed(feed, items.length ? items.map((item) => itemCard(item, ctx)) : [h('li', { class: 'empty' }, t('feed.empty'))]);
  };
  const unsubscribe = ctx.store.subscribe(render);
  render();
  return unsubscribe;
}
