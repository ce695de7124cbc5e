// The HTTP side of the public contract (api.md): bearer token, JSON, problem details.

import { session, signOut } from './session.js';
import { language } from './i18n.js';

/** A failed request: an RFC 9457 problem (status > 0) or a network failure (status 0). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.title = problem?.title ?? '';
    this.detail = problem?.detail ?? '';
    this.errors = problem?.errors ?? {};
    // What a sign-in still needs: 'code' (a second factor) or 'enrol' (to enrol one first).
    this.mfa = problem?.mfa ?? null;
  }

  get isNetwork() {
    return this.status === 0;
  }
}

/**
 * Sends a request with the session's token; returns the JSON answer (the text, with `text: true`).
 * A body is sent as JSON, or as it is with its `contentType` (e.g. a CSV plan).
 */
export async function request(method, path, body, { headers = {}, anonymous = false, contentType = null, text: asText = false } = {}) {
  // The server answers problems (validation messages, refusals) in the language the user reads.
  const init = { method, headers: { Accept: asText ? '*/*' : 'application/json', 'Accept-Language': language(), ...headers } };
  const token = session()?.accessToken;
  if (!anonymous && token) {
    init.headers.Authorization = `Bearer ${token}`;
  }
  if (body !== undefined) {
    init.headers['Content-Type'] = contentType ?? 'application/json';
    init.body = contentType ? body : JSON.stringify(body);
  }

  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, null);
  }

  const text = await response.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }

  if (response.status === 401 && !anonymous) {
    signOut({ expired: true });
  }
  if (!response.ok) {
    throw new ApiError(response.status, json);
  }
  return asText ? text : json;
}

export const get = (path) => request('GET', path);
export const post = (path, body, options) => request('POST', path, body, options);
