// The signed-in user: the token lives in sessionStorage (gone when the tab closes); preferences
// (language, sound) in localStorage, keyed by username so people sharing a computer keep theirs.

const TokenKey = 'coordination.session';
const LastLanguageKey = 'coordination.language';

export function session() {
  try {
    const value = JSON.parse(sessionStorage.getItem(TokenKey) ?? 'null');
    if (value && new Date(value.expiresAt) > new Date()) {
      return value;
    }
  } catch {
    // a corrupt entry is the same as none
  }
  return null;
}

export function signIn(tokenResponse) {
  sessionStorage.setItem(TokenKey, JSON.stringify(tokenResponse));
  window.dispatchEvent(new CustomEvent('session', { detail: { signedIn: true } }));
}

export function signOut({ expired = false } = {}) {
  const had = sessionStorage.getItem(TokenKey) !== null;
  sessionStorage.removeItem(TokenKey);
  if (had) {
    window.dispatchEvent(new CustomEvent('session', { detail: { signedIn: false, expired } }));
  }
}

function preferenceKey(name, username) {
  return `coordination.${name}.${username}`;
}

/** The user's chosen language, else the one their account was created with, else the browser's. */
export function preferredLanguage(username, accountLanguage) {
  if (username) {
    return localStorage.getItem(preferenceKey('language', username)) ?? accountLanguage ?? 'en';
  }
  return localStorage.getItem(LastLanguageKey) ?? navigator.language?.slice(0, 2) ?? 'en';
}

export function rememberLanguage(username, lang) {
  localStorage.setItem(LastLanguageKey, lang);
  if (username) {
    localStorage.setItem(preferenceKey('language', username), lang);
  }
}

export function soundEnabled(username) {
  return localStorage.getItem(preferenceKey('sound', username)) === 'on';
}

export function rememberSound(username, on) {
  localStorage.setItem(preferenceKey('sound', username), on ? 'on' : 'off');
}
