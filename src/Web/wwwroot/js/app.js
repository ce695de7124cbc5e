// The dashboard shell: sign-in, the header (agency, live indicator, sound, language), the
// role-based view switch and hash routing (#/consular, #/ngo, #/intake, #/committee, #/rota, #/escalation, #/admin,
// #/case/{id}, #/channels, the user's own channels, #/mfa, their two-step sign-in, #/ack/{token}, the page a notification's link opens
// after sign-in, and #/reset/{token}, the page a password-reset link
// opens, signed in or not).

import { h } from './dom.js';
import { t, e, setLanguage, language, dateTime } from './i18n.js';
import { get } from './api.js';
import { session, signOut, preferredLanguage, rememberLanguage, soundEnabled, rememberSound } from './session.js';
import { FeedCache, LiveFeed } from './feed.js';
import { summarize, caseHref } from './views/common.js';
import { mountSignIn } from './views/signin.js';
import { mountConsular } from './views/consular.js';
import { mountIntake } from './views/intake.js';
import { mountNgo } from './views/ngo.js';
import { mountCommittee } from './views/committee.js';
import { mountCase } from './views/caseDetail.js';
import { mountAdmin } from './views/admin.js';
import { mountReset } from './views/reset.js';
import { mountRota } from './views/rota.js';
import { mountEscalation } from './views/escalation.js';
import { mountTeam } from './views/users.js';
import { mountChannels } from './views/channels.js';
import { mountMfa } from './views/mfa.js';
import { mountAck } from './views/ack.js';
import { startBrowserNotifications, notifyInBackground } from './notifications.js';

// Which dashboards a role opens. Administration is the one place for an account of no agency
// (the bootstrap admin, a country administrator): every other view works on the agency's own feed.
const Views = {
  consular: { roles: ['ConsularOfficer'], label: 'view.consular', mount: mountConsular },
  ngo: { roles: ['NgoCaseworker'], label: 'view.ngo', mount: mountNgo },
  intake: { roles: ['HotlineOperator', 'LawEnforcementOfficer'], label: 'view.intake', mount: mountIntake },
  committee: { roles: ['CommitteeSecretary', 'CommitteeMember', 'Analyst'], label: 'view.committee', mount: mountCommittee },
  rota: { roles: ['AgencyCoordinator'], label: 'view.rota', mount: mountRota },
  escalation: { roles: ['AgencyCoordinator'], label: 'view.escalation', mount: mountEscalation },
  team: { roles: ['AgencyCoordinator'], label: 'view.team', mount: mountTeam },
  admin: { roles: ['Admin', 'CountryAdmin'], label: 'view.admin', mount: mountAdmin, withoutAgency: true },
};

const DeadlineCheckMs = 30_000;
const ToastMs = 12_000;

const main = document.getElementById('main');
const toasts = document.getElementById('alerts-live');
const languageSwitch = document.getElementById('language-switch');
const soundToggle = document.getElementById('sound-toggle');
const connection = document.getElementById('connection');

let ctx = null;
let live = null;
let unmount = () => {};
let tick = null;
let connectionState = 'offline';
let audio = null;

function availableViews(me) {
  return Object.keys(Views).filter((name) =>
    (me.agency || Views[name].withoutAgency) && Views[name].roles.some((role) => me.roles.includes(role)));
}

function showConnection(state) {
  connectionState = state;
  connection.dataset.state = state;
  connection.querySelector('.label').textContent = t(`connection.${state}`);
}

function beep() {
  if (!ctx || !soundEnabled(ctx.me.username)) {
    return;
  }
  audio ??= new AudioContext();
  // Suspended when it was created without a click (sound switched on in an earlier visit).
  audio.resume();
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.frequency.value = 880;
  gain.gain.setValueAtTime(0.2, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start();
  oscillator.stop(audio.currentTime + 0.4);
}

/** A message in the live region: new alerts, confirmations and errors. */
function notify(text, { kind = 'ok', href = null } = {}) {
  const toast = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : null },
    h('p', {}, href ? h('a', { href }, text) : text),
    h('button', { type: 'button', class: 'dismiss', 'aria-label': t('dismiss'), onclick: () => toast.remove() }, '×'));
  toasts.append(toast);
  if (kind !== 'error') {
    setTimeout(() => toast.remove(), ToastMs);
  }
}

function announceNewItems(change, store) {
  if (!store.loaded) {
    return;
  }
  const news = change.added.filter((item) => item.kind !== 'info');
  for (const item of news) {
    notifyInBackground(item);
    notify(`${e('FeedItemType', item.type)}${item.caseId ? ` ${item.caseId}` : ''}: ${summarize(item, ctx)}`,
      { kind: 'alert', href: item.caseId ? caseHref(item.caseId) : null });
  }
  if (news.length) {
    beep();
  }
}

function renderViewSwitch() {
  const nav = document.getElementById('view-switch');
  nav.setAttribute('aria-label', t('dashboards'));
  const views = ctx ? availableViews(ctx.me) : [];
  const current = currentView();
  nav.replaceChildren(...(views.length > 1 ? views.map((name) =>
    h('a', { href: `#/${name}`, class: 'view-link', 'aria-current': name === current ? 'page' : null }, t(Views[name].label))) : []));
}

function currentView() {
  if (!ctx) {
    return null;
  }
  const views = availableViews(ctx.me);
  const wanted = /^#\/(\w+)$/.exec(location.hash)?.[1];
  return views.includes(wanted) ? wanted : views[0] ?? null;
}

/** The token of a password-reset link the address bar holds, if any. */
function resetToken() {
  return /^#\/reset\/([A-Za-z0-9_-]+)$/.exec(location.hash)?.[1] ?? null;
}

/** The reset page; once the password is set, whoever was signed in here is signed out, and the user signs in anew. */
function showReset(token) {
  unmount = mountReset(main, token, (username) => {
    history.replaceState(null, '', location.pathname + location.search);
    if (ctx) {
      signOut();
    }
    mountSignIn(main, { username, notice: t('reset.done') });
  });
  document.title = `${t('reset.title')} — ${t('appName')}`;
}

function route({ focus = false } = {}) {
  unmount();
  unmount = () => {};
  const token = resetToken();
  if (token) {
    showReset(token);
    return;
  }
  if (!ctx) {
    return;
  }
  const caseMatch = /^#\/case\/(.+)$/.exec(location.hash);
  const ackMatch = /^#\/ack\/([A-Za-z0-9_-]+)$/.exec(location.hash);
  const view = currentView();
  if (ctx.enrolmentOnly || location.hash === '#/mfa') {
    // An account that must enrol a second factor first is let in only here; enrolled, it signs in again with a code.
    unmount = mountMfa(main, ctx, { required: ctx.enrolmentOnly, onEnrolled: () => ctx.enrolmentOnly && ctx.notify(t('mfa.signInAgain')) });
  } else if (ackMatch) {
    unmount = mountAck(main, ackMatch[1]);
  } else if (caseMatch && ctx.me.agency) {
    unmount = mountCase(main, ctx, decodeURIComponent(caseMatch[1]));
  } else if (location.hash === '#/channels') {
    unmount = mountChannels(main, ctx);
  } else if (view) {
    unmount = Views[view].mount(main, ctx);
  } else {
    main.replaceChildren(h('section', { class: 'panel' }, h('h1', {}, t('view.none')), h('p', {}, t('view.none.text'))));
  }
  renderViewSwitch();
  document.title = `${main.querySelector('h1')?.textContent ?? ''} — ${t('appName')}`;
  if (focus) {
    main.focus();
  }
}

/** "On duty now: X until HH:MM" for every user of an agency; read again on every tick and after a rota change. */
async function showOnDuty() {
  const line = document.getElementById('on-duty');
  const agency = ctx?.agency;
  if (!agency) {
    line.hidden = true;
    return;
  }
  try {
    const onCall = await get(`/api/agencies/${encodeURIComponent(agency.id)}/oncall`);
    if (ctx?.agency !== agency) {
      return;
    }
    ctx.onCall = onCall;
  } catch {
    // The line keeps what it last said; the next tick tries again.
  }
  renderOnDuty();
}

function renderOnDuty() {
  const line = document.getElementById('on-duty');
  const onCall = ctx?.agency ? ctx.onCall : null;
  line.hidden = !onCall;
  if (!onCall) {
    return;
  }
  const name = onCall.onDuty;
  if (!name) {
    line.textContent = t('onDuty.nobody');
  } else if (onCall.until) {
    line.textContent = t('onDuty.now', { name, until: dateTime(onCall.until, ctx.timeZone) });
  } else {
    line.textContent = t('onDuty.always', { name });
  }
  line.classList.toggle('nobody', !name);
}

function renderHeader() {
  const signedIn = Boolean(ctx);
  document.getElementById('agency-name').textContent = ctx?.agency?.name ?? '';
  document.getElementById('user-name').textContent = ctx?.me.displayName ?? '';
  document.getElementById('sign-out').hidden = !signedIn;
  document.getElementById('channels-link').hidden = !signedIn;
  document.getElementById('mfa-link').hidden = !signedIn;
  document.getElementById('sound-control').hidden = !signedIn || !ctx.agency;
  connection.hidden = !signedIn || !ctx.agency;
  soundToggle.checked = signedIn && soundEnabled(ctx.me.username);
  languageSwitch.value = language();
  showConnection(connectionState);
  renderViewSwitch();
  renderOnDuty();
}

async function enter() {
  let me;
  try {
    me = await get('/api/me');
  } catch (error) {
    if (error.status !== 401) {
      main.replaceChildren(h('section', { class: 'panel' },
        h('p', { role: 'alert' }, t('error.network')),
        h('button', { type: 'button', class: 'button', onclick: enter }, t('retry'))));
    }
    return;
  }

  setLanguage(preferredLanguage(me.username, me.language));
  if (session()?.mfaEnrolmentRequired) {
    ctx = { me, agency: null, agencies: new Map(), store: new FeedCache(), timeZone: me.agency?.timeZone ?? 'UTC', notify, enrolmentOnly: true };
    renderHeader();
    route();
    return;
  }
  const agencies = new Map();
  try {
    for (const agency of await get('/api/agencies')) {
      agencies.set(agency.id, agency);
    }
  } catch {
    // names fall back to ids
  }
  const places = new Map();
  try {
    for (const place of await get('/api/places')) {
      places.set(place.code, place);
    }
  } catch {
    // place names fall back to codes
  }

  const store = new FeedCache();
  ctx = { me, agency: me.agency, agencies, places, store, timeZone: me.agency?.timeZone ?? 'UTC', notify };
  store.subscribe(announceNewItems);
  renderHeader();
  route();
  if (me.agency) {
    live = new LiveFeed(store, () => session()?.accessToken ?? '', showConnection);
    live.start();
    tick = setInterval(() => {
      store.touch();
      showOnDuty();
    }, DeadlineCheckMs);
    showOnDuty();
  }
}

function leave({ expired = false } = {}) {
  unmount();
  unmount = () => {};
  live?.stop();
  live = null;
  clearInterval(tick);
  ctx = null;
  toasts.replaceChildren();
  setLanguage(preferredLanguage(null));
  renderHeader();
  if (resetToken()) {
    showReset(resetToken());
    return;
  }
  mountSignIn(main, { expired });
  document.title = t('appName');
}

languageSwitch.addEventListener('change', () => {
  setLanguage(languageSwitch.value);
  rememberLanguage(ctx?.me.username, languageSwitch.value);
  renderHeader();
  if (ctx) {
    route();
  } else {
    mountSignIn(main);
    languageSwitch.focus();
  }
});

soundToggle.addEventListener('change', () => {
  if (ctx) {
    rememberSound(ctx.me.username, soundToggle.checked);
    if (soundToggle.checked) {
      // Created on a click so the browser's autoplay policy lets it play later.
      audio ??= new AudioContext();
    }
  }
});

document.getElementById('sign-out').addEventListener('click', () => signOut());
window.addEventListener('session', (event) => (event.detail.signedIn ? enter() : leave({ expired: event.detail.expired })));
window.addEventListener('rota-changed', () => showOnDuty());
window.addEventListener('hashchange', () => (ctx || resetToken() ? route({ focus: true }) : leave()));

startBrowserNotifications();
setLanguage(preferredLanguage(null));
if (session()) {
  enter();
} else {
  leave();
}
