// The dashboards' languages: labels, messages and enum names from one translation file per
// language (lang/*.js), and the date formats of each language. Times are always shown in an explicit IANA time zone (the agency's own, or the
// one an item names), never the browser's.

import * as en from './lang/en.js';
import * as ru from './lang/ru.js';

const tables = { en, ru };
const messages = Object.fromEntries(Object.entries(tables).map(([lang, table]) => [lang, table.messages]));
const enums = Object.fromEntries(Object.entries(tables).map(([lang, table]) => [lang, table.enums]));

// Server validation messages that have a translation; anything else is shown as the server wrote it.
const serverMessages = { 'Required.': 'error.required' };

export const languages = Object.keys(tables);
let current = 'en';

export function language() {
  return current;
}

export function setLanguage(lang) {
  current = languages.includes(lang) ? lang : 'en';
  document.documentElement.lang = current;
  for (const el of document.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
}

/** The message for <paramref name="key"/> with {placeholders} filled from <paramref name="args"/>. */
export function t(key, args = {}) {
  const text = messages[current][key] ?? messages.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in args ? String(args[name]) : `{${name}}`));
}

/** The name of an enum value of the contract, e.g. e('CaseStatus', 'TravelBooked'). */
export function e(type, value) {
  if (value === null || value === undefined || value === '') {
    return t('none');
  }
  return enums[current][type]?.[value] ?? enums.en[type]?.[value] ?? String(value);
}

export function enumValues(type) {
  return Object.keys(enums.en[type]);
}

export function serverMessage(text) {
  return serverMessages[text] ? t(serverMessages[text]) : text;
}

function locale() {
  return current === 'ru' ? 'ru-RU' : 'en-GB';
}

/** A UTC instant as date and time in the given IANA time zone, in the current language. */
export function dateTime(iso, timeZone, { zoneName = false } = {}) {
  if (!iso) {
    return t('none');
  }
  const options = { dateStyle: 'medium', timeStyle: 'short', timeZone: timeZone || 'UTC' };
  const text = new Intl.DateTimeFormat(locale(), options).format(new Date(iso));
  return zoneName ? `${text} (${timeZone || 'UTC'})` : text;
}

export function country(code) {
  if (!code) {
    return t('none');
  }
  try {
    return new Intl.DisplayNames([locale()], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function list(values) {
  return new Intl.ListFormat(locale(), { style: 'short', type: 'conjunction' }).format(values);
}
