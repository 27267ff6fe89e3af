/**
 * Simulated citizens reporting a complaint over a channel's webhook (Telegram, WhatsApp Cloud
 * API). Each citizen is one chat and walks the lapor script; it sends its next message only once
 * every reply to the previous one reached the fake platform API (and its own POST was answered),
 * as a person would.
 *
 * Latency of a message = first reply for that chat at the fake API after the POST started. Replies
 * of one step are counted until the step's expected number, so a two-reply step (ticket + menu)
 * never leaks its second reply into the next step's measurement.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { BenchChannel } from './channels.js';

export interface ScriptStep {
  /** What the citizen types; for a tap, the button's label (for messages only). */
  text: string;
  /**
   * A tap on an inline button with this callback data instead of a typed message. The reply to the
   * previous step must have offered it: the citizen reads the buttons, as a person would.
   */
  tap?: string;
  /** How many messages the product sends for this message (`sendMessage` calls, Graph `/messages` posts). */
  replies: number;
  /** The first reply's text (an interactive message's body text) must match, or the flow is not the one being measured. */
  expect: RegExp;
}

/** One complete report (menu → lapor → kind → category → description → skip location and photos → anonymous → send). */
export const LAPOR_SCRIPT: readonly ScriptStep[] = [
  { text: 'menu', replies: 1, expect: /Silakan pilih layanan/ },
  { text: '1', replies: 1, expect: /Apa jenis laporan Anda/ },
  { text: '1', replies: 1, expect: /Pilih kategori/ },
  { text: '2', replies: 1, expect: /Ceritakan masalahnya/ },
  { text: 'Jalan di depan SD Negeri 3 berlubang besar sejak dua bulan lalu, sudah ada pengendara jatuh.', replies: 1, expect: /Di mana lokasinya/ },
  { text: 'lewati', replies: 1, expect: /Kirim foto pendukung/ },
  { text: 'lewati', replies: 1, expect: /identitas Anda dicantumkan/ },
  { text: '2', replies: 1, expect: /Mohon periksa laporan Anda/ },
  // The ticket, then the menu the conversation returns to.
  { text: '1', replies: 2, expect: /Nomor tiket/ },
];

/** A step not answered in full within this long is given up and its citizen retired. */
const STEP_TIMEOUT_MS = 20_000;
/** After the measured window, how long outstanding steps may take to finish. */
const DRAIN_TIMEOUT_MS = 20_000;

export interface PhaseResult {
  name: string;
  /** Target messages/s for a fixed-rate phase; null for closed loop. */
  offeredRate: number | null;
  /** Messages posted during the window (none are posted after it). */
  sent: number;
  /** Of those, messages whose replies all arrived, within the window or the drain after it. */
  answered: number;
  /** Messages posted in the window and answered within the window, per second: the throughput. */
  answeredPerSecond: number;
  /** Replies that arrived at the fake API during the window, per second. */
  repliesPerSecond: number;
  /** Latencies in ms of the answered messages, sorted. */
  latencies: Float64Array;
  /** Sends the schedule wanted while every citizen was still waiting for a reply. */
  skipped: number;
  /** Messages never fully answered (timed out, or still owed after the drain). */
  unanswered: number;
  /** A few unanswered messages, to look up in the database: chat id, text, replies that did arrive. */
  unansweredExamples: { chatId: string; text: string; replies: number }[];
  httpErrors: number;
  /** First replies that did not match the script (the flow changed?), with one example. */
  mismatches: number;
  mismatchExample: string | null;
  /** Replies for a chat that was not waiting for one. */
  strays: number;
  /** Still owed at the end of the window: a growing backlog shows here. */
  inFlightAtEnd: number;
}

interface Pending {
  step: ScriptStep;
  sentAt: number;
  posted: boolean;
  replies: number;
  firstAt: number;
}

interface Citizen {
  chatId: string;
  /** Where this citizen's messages go (the process a load balancer would pick for the chat). */
  url: URL;
  position: number;
  nextMessageId: number;
  /** Callback data of the buttons the last reply offered. */
  offered: string[];
  pending: Pending | null;
  retired: boolean;
}

export interface LoadTarget {
  /** The product's base URL, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** More processes of the same deployment: citizen i posts to the i-th of `[baseUrl, ...alsoAt]`, as a load balancer would spread chats. */
  alsoAt?: string[];
  channel: BenchChannel;
  /** The steps each citizen loops; LAPOR_SCRIPT (the product's flow) unless given. */
  script?: readonly ScriptStep[];
}

type Mode = { kind: 'closed' } | { kind: 'fixed'; rate: number };

export class CitizenLoad {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  private readonly urls: URL[];
  private citizens = new Map<string, Citizen>();
  private phase: PhaseState | null = null;
  private nextCitizen = 0;
  private readonly script: readonly ScriptStep[];

  constructor(private readonly target: LoadTarget) {
    this.urls = [target.baseUrl, ...(target.alsoAt ?? [])].map((base) => new URL(target.channel.webhookPath, base));
    this.script = target.script ?? LAPOR_SCRIPT;
  }

  /** Wire this to the fake platform API's `onSend`. */
  readonly onSend = (chatId: string, text: string, arrivedAt: number, buttons: string[] = []) => {
    const phase = this.phase;
    if (phase && arrivedAt >= phase.windowStart && arrivedAt < phase.windowEnd) phase.repliesInWindow++;
    const citizen = this.citizens.get(chatId);
    const pending = citizen?.pending;
    if (!citizen || !pending || !phase) {
      if (phase) phase.strays++;
      return;
    }
    pending.replies++;
    if (buttons.length > 0) citizen.offered = buttons;
    if (pending.replies === 1) {
      pending.firstAt = arrivedAt;
      if (!pending.step.expect.test(text)) {
        phase.mismatches++;
        phase.mismatchExample ??= `after "${pending.step.text}": ${text.slice(0, 160)}`;
      }
    }
    this.settleIfDone(citizen);
  };

  /** Closed loop: `citizens` chats each send as fast as they are answered, for `durationMs`. */
  closedLoop(name: string, citizens: number, durationMs: number): Promise<PhaseResult> {
    return this.run(name, citizens, durationMs, { kind: 'closed' });
  }

  /** Open loop: messages start at `rate` per second, spread over `citizens` chats. */
  fixedRate(name: string, rate: number, citizens: number, durationMs: number): Promise<PhaseResult> {
    return this.run(name, citizens, durationMs, { kind: 'fixed', rate });
  }

  close() {
    this.agent.destroy();
  }

  private async run(name: string, count: number, durationMs: number, mode: Mode): Promise<PhaseResult> {
    // Fresh chats per phase: each starts at "menu" with no conversation yet, as a new citizen would.
    this.citizens = new Map();
    const idle = new IdleQueue();
    for (let i = 0; i < count; i++) {
      const citizen: Citizen = { chatId: this.target.channel.chatId(this.nextCitizen++), url: this.urls[i % this.urls.length], position: 0, nextMessageId: 1, offered: [], pending: null, retired: false };
      this.citizens.set(citizen.chatId, citizen);
      idle.push(citizen);
    }
    const windowStart = performance.now();
    const phase: PhaseState = {
      mode,
      idle,
      windowStart,
      windowEnd: windowStart + durationMs,
      sent: 0,
      answered: 0,
      answeredInWindow: 0,
      repliesInWindow: 0,
      latencies: [],
      skipped: 0,
      timedOut: 0,
      unansweredExamples: [],
      httpErrors: 0,
      mismatches: 0,
      mismatchExample: null,
      strays: 0,
      onQuiet: null,
    };
    this.phase = phase;

    if (mode.kind === 'closed') {
      for (let citizen = idle.shift(); citizen; citizen = idle.shift()) this.send(citizen);
    } else {
      this.schedule(phase, mode.rate);
    }
    const sweeper = setInterval(() => this.sweepTimeouts(), 1000);
    await sleep(durationMs);
    const inFlightAtEnd = this.inFlight();
    await this.drained(phase);
    clearInterval(sweeper);
    for (const citizen of this.citizens.values()) if (citizen.pending) this.noteUnanswered(phase, citizen);
    const unanswered = phase.timedOut + this.inFlight();
    this.phase = null;

    const latencies = Float64Array.from(phase.latencies).sort();
    return {
      name,
      offeredRate: mode.kind === 'fixed' ? mode.rate : null,
      sent: phase.sent,
      answered: phase.answered,
      answeredPerSecond: phase.answeredInWindow / (durationMs / 1000),
      repliesPerSecond: phase.repliesInWindow / (durationMs / 1000),
      latencies,
      skipped: phase.skipped,
      unanswered,
      unansweredExamples: phase.unansweredExamples,
      httpErrors: phase.httpErrors,
      mismatches: phase.mismatches,
      mismatchExample: phase.mismatchExample,
      strays: phase.strays,
      inFlightAtEnd,
    };
  }

  /**
   * Starts messages on a fixed schedule (open loop): the n-th message is due at n/rate seconds,
   * whatever happened to earlier ones. Ticks every millisecond; several due messages go at once
   * when the event loop was late.
   */
  private schedule(phase: PhaseState, rate: number) {
    let issued = 0;
    const tick = () => {
      if (!isOpen(phase)) return;
      const due = Math.min(
        Math.floor(((performance.now() - phase.windowStart) * rate) / 1000) + 1,
        Math.floor(((phase.windowEnd - phase.windowStart) * rate) / 1000),
      );
      while (issued < due) {
        const citizen = phase.idle.shift();
        issued++;
        if (citizen) this.send(citizen);
        else phase.skipped++;
      }
      setTimeout(tick, 1);
    };
    tick();
  }

  private send(citizen: Citizen) {
    const phase = this.phase!;
    const step = this.script[citizen.position % this.script.length];
    const { body, headers } = this.request(phase, citizen, step);
    const sentAt = performance.now();
    const pending: Pending = { step, sentAt, posted: false, replies: 0, firstAt: 0 };
    citizen.pending = pending;
    phase.sent++;
    const req = request(
      {
        host: citizen.url.hostname,
        port: citizen.url.port,
        path: citizen.url.pathname,
        method: 'POST',
        agent: this.agent,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) {
            phase.httpErrors++;
            // A bot that failed the update (5xx) will not answer it: a new citizen takes the chat's
            // place rather than wait STEP_TIMEOUT_MS for nothing, a chat fewer in the loop meanwhile.
            if (res.statusCode! >= 500 && citizen.pending === pending) this.abandon(phase, citizen);
            return;
          }
          pending.posted = true;
          this.settleIfDone(citizen);
        });
      },
    );
    req.on('error', () => {
      // The product did not take the update: this step will never be answered.
      phase.httpErrors++;
      if (citizen.pending === pending) this.retire(citizen);
    });
    req.end(body);
  }

  /** The webhook POST for a step; a tap on a button the last reply did not offer counts as unexpected. */
  private request(phase: PhaseState, citizen: Citizen, step: ScriptStep) {
    const seq = citizen.nextMessageId++;
    if (step.tap === undefined) return this.target.channel.request(citizen.chatId, seq, step.text);
    if (!citizen.offered.includes(step.tap)) {
      phase.mismatches++;
      phase.mismatchExample ??= `no button "${step.tap}" to tap (offered: ${citizen.offered.join(', ') || 'none'})`;
    }
    citizen.offered = [];
    if (!this.target.channel.tap) throw new Error(`${this.target.channel.label} has no buttons to tap`);
    return this.target.channel.tap(citizen.chatId, seq, step.tap);
  }

  private settleIfDone(citizen: Citizen) {
    const pending = citizen.pending;
    const phase = this.phase;
    if (!pending || !phase || !pending.posted || pending.replies < pending.step.replies) return;
    citizen.pending = null;
    citizen.position++;
    // A report filed, the next one comes from a new citizen in this one's place: the same citizen
    // reporting the same thing again would rightly meet the product's duplicate hint, which the
    // script does not answer (and would stall there until STEP_TIMEOUT_MS).
    if (citizen.position % this.script.length === 0) this.newCitizenInPlaceOf(citizen);
    phase.answered++;
    phase.latencies.push(pending.firstAt - pending.sentAt);
    if (pending.firstAt < phase.windowEnd) phase.answeredInWindow++;
    if (!isOpen(phase)) return this.checkQuiet();
    if (phase.mode.kind === 'closed') this.send(citizen);
    else phase.idle.push(citizen);
  }

  private newCitizenInPlaceOf(citizen: Citizen) {
    this.citizens.delete(citizen.chatId);
    citizen.chatId = this.target.channel.chatId(this.nextCitizen++);
    citizen.nextMessageId = 1;
    citizen.offered = [];
    this.citizens.set(citizen.chatId, citizen);
  }

  /**
   * A chat the bot refused an update of, counted unanswered, and a new citizen in its place from
   * the script's start; whatever the bot still sends the old chat counts as stray.
   */
  private abandon(phase: PhaseState, citizen: Citizen) {
    if (this.phase !== phase) return;
    phase.timedOut++;
    this.noteUnanswered(phase, citizen);
    citizen.pending = null;
    citizen.position = 0;
    this.newCitizenInPlaceOf(citizen);
    if (isOpen(phase) && phase.mode.kind === 'closed') this.send(citizen);
    else if (isOpen(phase)) phase.idle.push(citizen);
    else this.checkQuiet();
  }

  private checkQuiet() {
    if (this.phase && !isOpen(this.phase) && this.inFlight() === 0) this.phase.onQuiet?.();
  }

  private retire(citizen: Citizen) {
    const phase = this.phase;
    if (citizen.pending && phase) {
      phase.timedOut++;
      this.noteUnanswered(phase, citizen);
    }
    citizen.pending = null;
    citizen.retired = true;
    this.citizens.delete(citizen.chatId);
    this.checkQuiet();
  }

  private noteUnanswered(phase: PhaseState, citizen: Citizen) {
    const pending = citizen.pending!;
    if (phase.unansweredExamples.length < 5) phase.unansweredExamples.push({ chatId: citizen.chatId, text: pending.step.text, replies: pending.replies });
  }

  private sweepTimeouts() {
    const now = performance.now();
    for (const citizen of [...this.citizens.values()]) {
      if (citizen.pending && now - citizen.pending.sentAt > STEP_TIMEOUT_MS) this.retire(citizen);
    }
  }

  private inFlight(): number {
    let n = 0;
    for (const citizen of this.citizens.values()) if (citizen.pending) n++;
    return n;
  }

  private drained(phase: PhaseState): Promise<void> {
    if (this.inFlight() === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, DRAIN_TIMEOUT_MS);
      function done() {
        clearTimeout(timer);
        phase.onQuiet = null;
        resolve();
      }
      phase.onQuiet = done;
    });
  }
}

interface PhaseState {
  mode: Mode;
  idle: IdleQueue;
  windowStart: number;
  windowEnd: number;
  sent: number;
  answered: number;
  answeredInWindow: number;
  repliesInWindow: number;
  latencies: number[];
  skipped: number;
  timedOut: number;
  unansweredExamples: { chatId: string; text: string; replies: number }[];
  httpErrors: number;
  mismatches: number;
  mismatchExample: string | null;
  strays: number;
  onQuiet: (() => void) | null;
}

/** FIFO of citizens ready to send, so the fixed-rate schedule spreads messages over all chats. */
class IdleQueue {
  private items: Citizen[] = [];
  private head = 0;

  push(citizen: Citizen) {
    this.items.push(citizen);
  }

  shift(): Citizen | undefined {
    while (this.head < this.items.length) {
      const citizen = this.items[this.head++];
      if (this.head > 4096) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      if (!citizen.retired) return citizen;
    }
    return undefined;
  }
}

/** Messages start only inside the window; after it, what is in flight is drained, not measured anew. */
function isOpen(phase: PhaseState): boolean {
  return performance.now() < phase.windowEnd;
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
