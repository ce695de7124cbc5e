// The dashboards' languages: labels, messages and enum names from one translation file per
// language (lang/*.js), and the date formats of each language. Times are always shown in an explicit IANA time zone (the agency's own, or the
// one an item names), never the browser's.

import * as en from './lang/en.js';
import * as ru from './lang/ru.js';
import * as ky from './lang/ky.js';
import * as kk from './lang/kk.js';
import * as tg from './lang/tg.js';
import * as uz from './lang/uz.js';
import * as tk from './lang/tk.js';

const tables = { en, ru, ky, kk, tg, uz, tk };
const intlTags = { en: 'en-GB', ru: 'ru-RU', ky: 'ky-KG', kk: 'kk-KZ', tg: 'tg-TJ', uz: 'uz-Latn-UZ', tk: 'tk-TM' };
// Chromium ships locale data for its own interface languages only: Kyrgyz, Tajik and Turkmen are
// missing and Kazakh and Uzbek are listed without month names. Without the language's data, dates
// are numeric day.month.year and numbers use a space and a decimal comma, which is how all five
// countries write them, and country names are Russian, which the region's officials all read.
const fallbackTag = 'ru-RU';
const messages = Object.fromEntries(Object.entries(tables).map(([lang, table]) => [lang, table.messages]));
const enums = Object.fromEntries(Object.entries(tables).map(([lang, table]) => [lang, table.enums]));

export const languages = Object.keys(tables);

// Each language by its own name, as the language switch of index.html shows it.
const languageNames = { en: 'English', ru: 'Русский', ky: 'Кыргызча', kk: 'Қазақша', tg: 'Тоҷикӣ', uz: 'Oʻzbekcha', tk: 'Türkmençe' };

/** A language's own name, e.g. languageName('ky') → 'Кыргызча'. */
export function languageName(lang) {
  return languageNames[lang] ?? lang;
}
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

const localeData = new Map();

/** Whether the browser formats the current language itself, rather than as the root locale ("M01"). */
function hasLocaleData() {
  const tag = intlTags[current];
  if (!localeData.has(tag)) {
    localeData.set(tag, Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0
      && !/^M\d+$/.test(new Intl.DateTimeFormat(tag, { month: 'short', timeZone: 'UTC' }).format(Date.UTC(2026, 0, 15))));
  }
  return localeData.get(tag);
}

function locale() {
  return hasLocaleData() ? intlTags[current] : fallbackTag;
}

function dateFormat(options) {
  if (hasLocaleData()) {
    return new Intl.DateTimeFormat(intlTags[current], options);
  }
  const numeric = { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: options.timeZone };
  return new Intl.DateTimeFormat(fallbackTag, options.timeStyle ? { ...numeric, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : numeric);
}

/** A UTC instant as date and time in the given IANA time zone, in the current language. */
export function dateTime(iso, timeZone, { zoneName = false } = {}) {
  if (!iso) {
    return t('none');
  }
  const text = dateFormat({ dateStyle: 'medium', timeStyle: 'short', timeZone: timeZone || 'UTC' }).format(new Date(iso));
  return zoneName ? `${text} (${timeZone || 'UTC'})` : text;
}

/** A calendar day ("2026-12-02") in the current language. */
export function day(value) {
  if (!value) {
    return t('none');
  }
  const [y, m, d] = value.split('-').map(Number);
  return dateFormat({ dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

export function number(value) {
  return value === null || value === undefined ? t('none') : new Intl.NumberFormat(locale()).format(value);
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
  // Without the language's data a conjunction would be Russian ("и"); commas alone read in every language.
  return hasLocaleData()
    ? new Intl.ListFormat(intlTags[current], { style: 'short', type: 'conjunction' }).format(values)
    : values.join(', ');
}
