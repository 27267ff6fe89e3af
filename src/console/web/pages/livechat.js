// Live chats: the queue of citizens waiting for a person, with their waiting times, and the chat
// an officer has taken: the citizen's messages arrive live, the officer writes back, then hands
// the chat back to the bot. On a phone the queue and the chat are one screen each (#/live, #/live/:id).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, getLang, html, me, navigate, t, useLive } from '../lib.js';

const MINUTE = 60_000;
/** Live events steer the page; this slow refetch only heals what a dropped stream missed. */
const REFRESH_MS = 60_000;
const CHANNELS = { telegram: 'Telegram', web: 'Web chat', 'whatsapp-web': 'WhatsApp', 'whatsapp-cloud': 'WhatsApp' };

/** "3 mnt", "1 j 20 mnt": how long a citizen has waited. */
function waited(ms) {
  const minutes = Math.floor(ms / MINUTE);
  if (minutes < 1) return t('livechat.lessThanMinute');
  if (minutes < 60) return t('livechat.minutes', { n: minutes });
  return t('livechat.hours', { h: Math.floor(minutes / 60), m: minutes % 60 });
}

/** "14.05": a time as the office reads it (Asia/Jakarta, like the rest of the console). */
function timeOf(iso) {
  return new Intl.DateTimeFormat(getLang() === 'en' ? 'en-GB' : 'id-ID', { timeStyle: 'short', timeZone: 'Asia/Jakarta' }).format(new Date(iso));
}

/** A fresh key per message typed: a send retried after a dropped connection is not sent twice. */
function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** Ticks every `ms` so waiting times move on between server updates. */
function useNow(ms) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

function errorText(error) {
  if (error?.status === 409 && error.body?.error === 'taken') return t('livechat.takenByOther', { name: error.body.takenBy?.name ?? '?' });
  if (error?.status === 409 && error.body?.error === 'not-taker') return t('livechat.notTaker');
  if (error?.status === 404) return t('livechat.gone');
  if (error?.status === 403) return t('livechat.readOnly');
  return t('livechat.failed');
}

function QueueItem({ chat, now, fetchedAt, selected, mine, onTake }) {
  const waitingMs = chat.waitingMs + (now - fetchedAt);
  const label = t('livechat.request', { id: chat.id });
  return html`<li class=${`livechat-item${selected ? ' is-selected' : ''}${chat.reminded ? ' is-reminded' : ''}`}>
    <a href=${`#/live/${chat.id}`} aria-current=${selected ? 'page' : undefined}>
      <span class="livechat-item-title">${label}</span>
      <span class="livechat-item-meta">
        ${CHANNELS[chat.channel] ?? chat.channel} · ${chat.takenBy ? t('livechat.takenAt', { time: timeOf(chat.takenAt) }) : t('livechat.waited', { time: waited(waitingMs) })} · ${t('livechat.messages', { n: chat.citizenMessages })}
        ${chat.reminded ? html` · <strong>${t('livechat.reminded')}</strong>` : null}
        ${chat.returns > 0 ? html` · ${t('livechat.returned', { n: chat.returns })}` : null}
      </span>
      ${chat.takenBy ? html`<span class="livechat-item-meta">${mine ? t('livechat.yours') : t('livechat.handledBy', { name: chat.takenBy.name })}</span>` : null}
    </a>
    ${chat.takenBy ? null : html`<button type="button" onClick=${() => onTake(chat.id)} aria-label=${t('livechat.takeLabel', { id: chat.id })}>${t('livechat.take')}</button>`}
  </li>`;
}

function Entry({ entry }) {
  const who = entry.from === 'citizen' ? t('livechat.citizen') : entry.from === 'officer' ? entry.officer ?? t('livechat.officer') : t('livechat.bot');
  const text = entry.text ?? (entry.kind === 'photo' ? t('livechat.photo') : entry.kind === 'location' ? t('livechat.location') : t('livechat.attachment'));
  return html`<li class=${`livechat-entry from-${entry.from}`} data-key=${entry.key}>
    <span class="livechat-entry-who">${who} · <time datetime=${entry.at}>${timeOf(entry.at)}</time></span>
    <span class="livechat-entry-text">${text}</span>
  </li>`;
}

function ChatView({ id, staffId, onChanged }) {
  const [transcript, setTranscript] = useState(null);
  const [error, setError] = useState(null);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const pendingKey = useRef(null);
  const logRef = useRef(null);
  const replyRef = useRef(null);
  // Once handed back the chat is over: its own last events must not fetch a transcript that is gone.
  const ended = useRef(false);

  const load = useCallback(async () => {
    if (ended.current) return;
    try {
      setTranscript(await api.get(`/livechats/${id}/messages`));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [id]);
  useEffect(() => {
    setTranscript(null);
    load();
  }, [load]);
  useLive((event) => {
    if (event.type === 'handoff' && event.handoffId === id) load();
  });
  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [transcript?.entries.length]);
  // Once the chat is the officer's, the keyboard goes to the reply box.
  const holding = transcript?.chat.takenBy?.id === staffId;
  useEffect(() => {
    if (holding) replyRef.current?.focus();
  }, [holding]);

  const act = async (work) => {
    setBusy(true);
    try {
      await work();
      setError(null);
      await load();
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const take = () => act(() => api.post(`/livechats/${id}/take`));
  const handBack = async () => {
    setBusy(true);
    ended.current = true;
    try {
      await api.post(`/livechats/${id}/hand-back`);
      navigate('#/live');
    } catch (e) {
      ended.current = false;
      setError(e);
      setBusy(false);
    }
  };
  const send = (e) => {
    e.preventDefault();
    const text = draft.trim();
    if (!text || busy) return;
    pendingKey.current ??= newKey();
    act(async () => {
      await api.post(`/livechats/${id}/messages`, { text, clientKey: pendingKey.current });
      pendingKey.current = null;
      setDraft('');
    });
  };
  const onKeyDown = (e) => {
    // Enter sends, Shift+Enter starts a new line (as in chat apps).
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) send(e);
  };

  if (!transcript) {
    return html`<section class="livechat-chat" aria-busy=${!error}>${error ? html`<p role="alert">${errorText(error)}</p>` : html`<p>${t('livechat.loading')}</p>`}</section>`;
  }
  const { chat, displayName, entries } = transcript;
  const mine = chat.takenBy?.id === staffId;
  return html`<section class="livechat-chat" aria-labelledby="livechat-chat-title">
    <header class="livechat-chat-head">
      <a class="livechat-back" href="#/live">${t('livechat.backToQueue')}</a>
      <h2 id="livechat-chat-title">${displayName ?? t('livechat.request', { id: chat.id })}</h2>
      <p class="livechat-item-meta">
        ${CHANNELS[chat.channel] ?? chat.channel} · ${t('livechat.askedAt', { time: timeOf(chat.createdAt) })}
        ${chat.takenBy ? html` · ${mine ? t('livechat.yours') : t('livechat.handledBy', { name: chat.takenBy.name })}` : null}
      </p>
    </header>
    <ol class="livechat-log" ref=${logRef} aria-live="polite" aria-label=${t('livechat.transcript')} tabindex="0">
      ${entries.map((entry) => html`<${Entry} key=${entry.key} entry=${entry} />`)}
    </ol>
    ${error ? html`<p role="alert" class="livechat-error">${errorText(error)}</p>` : null}
    ${mine
      ? html`<form class="livechat-reply" onSubmit=${send}>
          <label for="livechat-reply-text">${t('livechat.replyLabel')}</label>
          <textarea id="livechat-reply-text" ref=${replyRef} rows="3" maxlength="4000" value=${draft}
            onInput=${(e) => { setDraft(e.currentTarget.value); pendingKey.current = null; }}
            onKeyDown=${onKeyDown} placeholder=${t('livechat.replyHint')}></textarea>
          <div class="livechat-actions">
            <button type="submit" disabled=${busy || !draft.trim()}>${t('livechat.send')}</button>
            <button type="button" class="secondary" onClick=${handBack} disabled=${busy}>${t('livechat.handBack')}</button>
          </div>
        </form>`
      : chat.takenBy
        ? null
        : html`<div class="livechat-actions"><button type="button" onClick=${take} disabled=${busy}>${t('livechat.takeThis')}</button></div>`}
  </section>`;
}

export default function LiveChats({ params }) {
  const selected = params?.id ? Number(params.id) : null;
  const staff = me();
  const [chats, setChats] = useState(null);
  const [fetchedAt, setFetchedAt] = useState(Date.now());
  const [error, setError] = useState(null);
  const now = useNow(15_000);
  const refreshed = useNow(REFRESH_MS);

  const load = useCallback(async () => {
    try {
      const { chats } = await api.get('/livechats');
      setChats(chats);
      setFetchedAt(Date.now());
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    load();
  }, [load, refreshed]);
  useLive((event) => {
    if (event.type === 'handoff') load();
  });

  const take = async (id) => {
    try {
      await api.post(`/livechats/${id}/take`);
      await load();
      navigate(`#/live/${id}`);
    } catch (e) {
      setError(e);
      load();
    }
  };

  const waiting = (chats ?? []).filter((c) => !c.takenBy);
  const taken = (chats ?? []).filter((c) => c.takenBy);
  const item = (chat) =>
    html`<${QueueItem} key=${chat.id} chat=${chat} now=${now} fetchedAt=${fetchedAt} selected=${chat.id === selected} mine=${chat.takenBy?.id === staff?.id} onTake=${take} />`;
  return html`<div class=${`livechat${selected ? ' has-chat' : ''}`}>
    <section class="livechat-queue" aria-labelledby="livechat-waiting">
      <h1>${t('livechat.title')}</h1>
      ${error ? html`<p role="alert" class="livechat-error">${errorText(error)}</p>` : null}
      <p class="livechat-status" role="status">${chats === null ? '' : t('livechat.status', { n: waiting.length, late: waiting.filter((c) => c.reminded).length })}</p>
      <h2 id="livechat-waiting">${t('livechat.waiting', { n: waiting.length })}</h2>
      ${chats === null ? html`<p>${t('livechat.loading')}</p>` : waiting.length === 0 ? html`<p>${t('livechat.noneWaiting')}</p>` : html`<ul class="livechat-list">${waiting.map(item)}</ul>`}
      <h2>${t('livechat.taken', { n: taken.length })}</h2>
      ${taken.length === 0 ? html`<p>${t('livechat.noneTaken')}</p>` : html`<ul class="livechat-list">${taken.map(item)}</ul>`}
    </section>
    ${selected ? html`<${ChatView} key=${selected} id=${selected} staffId=${staff?.id} onChanged=${load} />` : html`<p class="livechat-pick">${t('livechat.pick')}</p>`}
  </div>`;
}
