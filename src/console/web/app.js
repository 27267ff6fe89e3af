// The console's shell: login, the menu, the language toggle, and the hash router that loads each
// area's page module on demand.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, can, closeLive, html, me, navigate, setLang, setSession, setUnauthenticatedHandler, t, useLang, getLang } from './lib.js';
import { routes } from './routes.js';
import { PasswordForm } from './pages/account.js';

function match(path) {
  for (const route of routes) {
    const names = [];
    const pattern = new RegExp(`^${route.path.replace(/:(\w+)/g, (_, name) => (names.push(name), '([^/]+)'))}$`);
    const found = pattern.exec(path);
    if (found) return { route, params: Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1])])) };
  }
  return null;
}

function visible(route) {
  return !route.permission || can(route.permission);
}

function homePath() {
  return routes.find((r) => r.nav && visible(r))?.path ?? '/account';
}

function usePath() {
  const read = () => window.location.hash.replace(/^#/, '') || '';
  const [path, setPath] = useState(read);
  useEffect(() => {
    const onChange = () => setPath(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return path;
}

function Login({ onDone }) {
  useLang();
  const [form, setForm] = useState({ email: '', password: '', totp: '' });
  const [needTotp, setNeedTotp] = useState(false);
  const [message, setMessage] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const session = await api.post('/auth/login', { email: form.email, password: form.password, ...(needTotp ? { totp: form.totp } : {}) });
      onDone(session);
    } catch (error) {
      if (error instanceof ApiError && error.body?.error === 'totp_required') {
        setNeedTotp(true);
        setMessage(t('login.totpPrompt'));
      } else if (error instanceof ApiError && error.status === 423) {
        setMessage(t('login.locked', { minutes: Math.ceil((error.body?.retryAfterSeconds ?? 900) / 60) }));
      } else if (error instanceof ApiError && error.status === 429) {
        setMessage(t('login.tooMany'));
      } else {
        setMessage(t('login.invalid'));
      }
    } finally {
      setBusy(false);
    }
  };
  const field = (name) => (event) => setForm({ ...form, [name]: event.currentTarget.value });
  return html`
    <main class="login">
      <form onSubmit=${submit} aria-labelledby="login-title">
        <h1 id="login-title">${t('app.name')}</h1>
        <p class="muted">${t('login.subtitle')}</p>
        <label>${t('login.email')}<input type="email" name="email" autocomplete="username" required value=${form.email} onInput=${field('email')} /></label>
        <label>${t('login.password')}<input type="password" name="password" autocomplete="current-password" required value=${form.password} onInput=${field('password')} /></label>
        ${needTotp && html`<label>${t('login.totp')}<input name="totp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required value=${form.totp} onInput=${field('totp')} /></label>`}
        ${message && html`<p class="error" role="alert">${message}</p>`}
        <button type="submit" disabled=${busy}>${t('login.submit')}</button>
        <${LangToggle} />
      </form>
    </main>`;
}

function LangToggle() {
  const lang = useLang();
  return html`<button type="button" class="link lang" onClick=${() => setLang(lang === 'id' ? 'en' : 'id')} aria-label=${t('app.switchLanguage')}>${lang === 'id' ? 'English' : 'Bahasa Indonesia'}</button>`;
}

function ChangePassword({ onDone }) {
  return html`<main class="login"><${PasswordForm} title=${t('account.mustChange')} onDone=${onDone} /></main>`;
}

function Shell({ onLogout }) {
  useLang();
  const path = usePath();
  const [loaded, setLoaded] = useState(null);
  const found = match(path);
  useEffect(() => {
    if (!found || !visible(found.route)) {
      navigate(homePath());
      return;
    }
    let cancelled = false;
    found.route.load().then((module) => !cancelled && setLoaded({ path, Page: module.default, params: found.params }));
    return () => {
      cancelled = true;
    };
  }, [path]);
  const staff = me();
  const logout = async () => {
    await api.post('/auth/logout').catch(() => {});
    onLogout();
  };
  const [menuOpen, setMenuOpen] = useState(false);
  return html`
    <a class="skip" href="#main">${t('app.skip')}</a>
    <header class="top">
      <a class="brand" href=${'#' + homePath()}>${t('app.name')}</a>
      <button type="button" class="menu-toggle" aria-expanded=${menuOpen} aria-controls="nav" onClick=${() => setMenuOpen(!menuOpen)}>${t('app.menu')}</button>
      <nav id="nav" class=${menuOpen ? 'open' : ''} aria-label=${t('app.menu')}>
        ${routes.filter((r) => r.nav && visible(r)).map((r) => html`<a href=${'#' + r.path} aria-current=${path.startsWith(r.path) ? 'page' : undefined} onClick=${() => setMenuOpen(false)}>${t(r.nav)}</a>`)}
      </nav>
      <div class="who">
        <a href="#/account" title=${t('nav.account')}>${staff.name}</a>
        <span class="role">${t('roles.' + staff.role)}</span>
        <${LangToggle} />
        <button type="button" class="link" onClick=${logout}>${t('app.logout')}</button>
      </div>
    </header>
    <main id="main" tabindex="-1">
      ${loaded && loaded.path === path ? html`<${loaded.Page} params=${loaded.params} key=${path} />` : html`<p class="loading">${t('app.loading')}</p>`}
    </main>`;
}

function App() {
  const [state, setState] = useState('loading');
  const refresh = () =>
    api.get('/me').then(
      (session) => {
        setSession(session);
        setState(session.staff.mustChangePassword ? 'password' : 'in');
      },
      () => {
        setSession(null);
        setState('out');
      },
    );
  useEffect(() => {
    setUnauthenticatedHandler(() => {
      closeLive();
      setSession(null);
      setState('out');
    });
    refresh();
  }, []);
  if (state === 'loading') return html`<p class="loading">${t('app.loading')}</p>`;
  if (state === 'out') return html`<${Login} onDone=${(session) => { setSession(session); setState(session.staff.mustChangePassword ? 'password' : 'in'); }} />`;
  if (state === 'password') return html`<${ChangePassword} onDone=${refresh} />`;
  return html`<${Shell} onLogout=${() => { closeLive(); setSession(null); setState('out'); }} />`;
}

document.documentElement.lang = getLang();
render(html`<${App} />`, document.getElementById('app'));
