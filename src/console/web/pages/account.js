// My account: password, language, and TOTP (two-step login; recommended for admins).
import { useState } from 'preact/hooks';
import { api, html, me, t, useLang } from '../lib.js';

/** Change my password; also the only form shown after an admin's reset (`title`, `onDone`). */
export function PasswordForm({ title = t('account.password'), onDone = null }) {
  const [form, setForm] = useState({ current: '', next: '' });
  const [message, setMessage] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    try {
      await api.post('/me/password', form);
      setForm({ current: '', next: '' });
      setMessage({ ok: true, text: t('account.saved') });
      onDone?.();
    } catch (error) {
      setMessage({ ok: false, text: error.body?.error === 'wrong_password' ? t('account.wrongPassword') : t('account.passwordRules') });
    }
  };
  return html`
    <form onSubmit=${submit} class="card">
      <h2>${title}</h2>
      <label>${t('account.current')}<input type="password" autocomplete="current-password" required value=${form.current} onInput=${(e) => setForm({ ...form, current: e.currentTarget.value })} /></label>
      <label>${t('account.next')}<input type="password" autocomplete="new-password" minlength="10" required value=${form.next} onInput=${(e) => setForm({ ...form, next: e.currentTarget.value })} /></label>
      <p class="muted">${t('account.passwordRules')}</p>
      ${message && html`<p class=${message.ok ? 'ok' : 'error'} role="status">${message.text}</p>`}
      <button type="submit">${t('account.save')}</button>
    </form>`;
}

function TotpForm() {
  const [enabled, setEnabled] = useState(me().totpEnabled);
  const [setup, setSetup] = useState(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState(null);
  const start = async () => setSetup(await api.post('/me/totp/setup'));
  const confirm = async (event) => {
    event.preventDefault();
    try {
      await api.post('/me/totp/enable', { code });
      setEnabled(true);
      setSetup(null);
      setMessage(t('account.totpOn'));
    } catch {
      setMessage(t('account.wrongCode'));
    }
  };
  const disable = async (event) => {
    event.preventDefault();
    try {
      await api.post('/me/totp/disable', { password });
      setEnabled(false);
      setMessage(t('account.totpOff'));
    } catch {
      setMessage(t('account.wrongPassword'));
    }
  };
  return html`
    <section class="card">
      <h2>${t('account.totp')}</h2>
      <p class="muted">${t('account.totpHelp')}</p>
      ${enabled
        ? html`<form onSubmit=${disable}>
            <p>${t('account.totpOn')}</p>
            <label>${t('login.password')}<input type="password" required value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} /></label>
            <button type="submit" class="secondary">${t('account.totpDisable')}</button>
          </form>`
        : setup
          ? html`<form onSubmit=${confirm}>
              <img class="qr" alt=${t('account.qrAlt')} src=${'data:image/svg+xml;utf8,' + encodeURIComponent(setup.qrSvg)} width="180" height="180" />
              <p class="muted">${t('account.secret')}: <code>${setup.secret}</code></p>
              <label>${t('login.totp')}<input inputmode="numeric" pattern="[0-9]{6}" required value=${code} onInput=${(e) => setCode(e.currentTarget.value)} /></label>
              <button type="submit">${t('account.totpConfirm')}</button>
            </form>`
          : html`<button type="button" onClick=${start}>${t('account.totpEnable')}</button>`}
      ${message && html`<p role="status">${message}</p>`}
    </section>`;
}

export default function Account() {
  useLang();
  const staff = me();
  return html`
    <h1>${t('account.title')}</h1>
    <p>${staff.name} · ${staff.email} · ${t('roles.' + staff.role)}</p>
    <div class="grid-2">
      <${PasswordForm} />
      <${TotpForm} />
    </div>`;
}
