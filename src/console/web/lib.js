// What every page of the console uses: html (htm bound to Preact), the API client (JSON, the
// CSRF token on every change), translations, live updates (SSE) and navigation.
import { h } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import id from './i18n/id.js';
import en from './i18n/en.js';

export const html = htm.bind(h);

const dictionaries = { id, en };
let lang = localStorage.getItem('kanal.lang') === 'en' ? 'en' : 'id';
let csrfToken = null;
let current = null;

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? body?.error ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** Called when any request answers 401: the app shows the login form again. */
let onUnauthenticated = () => {};
export function setUnauthenticatedHandler(handler) {
  onUnauthenticated = handler;
}

async function request(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const text = await response.text();
  const data = text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text || null;
  if (response.status === 401 && path !== '/auth/login') onUnauthenticated();
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const api = {
  get: (path) => request('GET', path),
  post: (path, body = {}) => request('POST', path, body),
  put: (path, body = {}) => request('PUT', path, body),
  patch: (path, body = {}) => request('PATCH', path, body),
  del: (path) => request('DELETE', path),
};

/** The logged-in person (`{ id, name, role, permissions, … }`) once known. */
export function me() {
  return current;
}
export function setSession(session) {
  current = session?.staff ?? null;
  csrfToken = session?.csrfToken ?? null;
  if (current?.lang && current.lang !== lang) setLang(current.lang, false);
}
export function can(permission) {
  return Boolean(current?.permissions.includes(permission));
}

export function getLang() {
  return lang;
}
export function setLang(next, persist = true) {
  lang = next === 'en' ? 'en' : 'id';
  localStorage.setItem('kanal.lang', lang);
  document.documentElement.lang = lang;
  if (persist && current) api.patch('/me', { lang }).catch(() => {});
  window.dispatchEvent(new Event('kanal:lang'));
}

/** `t('inbox.title')`, `t('case.due', { date })`: the current language, then Indonesian, then the key. */
export function t(key, vars) {
  const find = (dict) => key.split('.').reduce((node, part) => (node == null ? undefined : node[part]), dict);
  let text = find(dictionaries[lang]) ?? find(dictionaries.id) ?? key;
  if (vars) for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

/** Dates and times as the office reads them (Asia/Jakarta). */
export function formatDateTime(value) {
  if (!value) return '';
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Jakarta' }).format(new Date(value));
}

/** `{ data, error, loading, reload }` for a GET, reloaded when `path` changes; null path: nothing. */
export function useApi(path) {
  const [state, setState] = useState({ data: null, error: null, loading: Boolean(path) });
  const generation = useRef(0);
  const reload = useCallback(() => {
    if (!path) return;
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    api.get(path).then(
      (data) => mine === generation.current && setState({ data, error: null, loading: false }),
      (error) => mine === generation.current && setState({ data: null, error, loading: false }),
    );
  }, [path]);
  useEffect(reload, [reload]);
  return { ...state, reload };
}

// One EventSource for the whole page, shared by every component that listens.
const liveListeners = new Set();
let source = null;
function ensureSource() {
  if (source || !current) return;
  source = new EventSource('/api/v1/events');
  source.onmessage = (message) => {
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    for (const listener of liveListeners) listener(event);
  };
}
export function closeLive() {
  source?.close();
  source = null;
}

/** Calls `handler(event)` for each live change in my scope (`{ type, ticket?, change? }`). */
export function useLive(handler) {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const listener = (event) => latest.current(event);
    liveListeners.add(listener);
    ensureSource();
    return () => liveListeners.delete(listener);
  }, []);
}

export function navigate(hash) {
  window.location.hash = hash.startsWith('#') ? hash : `#${hash}`;
}

/** Re-renders on language change. */
export function useLang() {
  const [, setTick] = useState(0);
  useEffect(() => {
    const rerender = () => setTick((n) => n + 1);
    window.addEventListener('kanal:lang', rerender);
    return () => window.removeEventListener('kanal:lang', rerender);
  }, []);
  return lang;
}
