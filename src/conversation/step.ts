/**
 * One conversation step, pure apart from the `perform` callback: feed an event to the machine,
 * then perform each emitted effect in order, feeding results back, until the machine is quiet.
 * The runtime passes a `perform` that works inside a Postgres transaction; tests may pass any other.
 */
import { createActor, initialTransition, type AnyActorScope, type AnyStateMachine, type EventObject } from 'xstate';
import type { ConversationEvent, ConversationInput, Effect, ResultEvent } from './contract.js';

export type Perform = (effect: Exclude<Effect, { type: 'reply' }>) => Promise<ResultEvent | null>;
export type ReplyEffect = Extract<Effect, { type: 'reply' }>;

/** What is stored per conversation: the machine's persisted snapshot. */
export type PersistedSnapshot = { value: unknown; context: unknown; status?: string };

/**
 * xstate's pure `transition`, with its inert actor scope made once per machine instead of on every
 * call: making one constructs an actor, which builds the machine's whole initial snapshot (its
 * initial context and entry actions) for nothing, 3.5 % of the process's busy time in the bench.
 * The scope is inert (its actor never starts; `defer`, `emit` and `stopChild` do nothing) and the
 * conversation machine spawns and invokes no actors, so nothing is kept in it between calls; each
 * call gathers its own actions. Transitions are synchronous, so calls cannot interleave.
 */
const scopes = new WeakMap<AnyStateMachine, AnyActorScope>();

function transition(machine: AnyStateMachine, snapshot: ReturnType<AnyStateMachine['resolveState']>, event: EventObject & Record<string, unknown>) {
  let scope = scopes.get(machine);
  if (!scope) {
    const self = createActor(machine);
    scope = { self, id: '', sessionId: '', logger: () => {}, defer: () => {}, emit: () => {}, system: self.system, stopChild: () => {}, actionExecutor: () => {} };
    scopes.set(machine, scope);
  }
  const actions: { type: string; params?: unknown }[] = [];
  scope.actionExecutor = (action) => void actions.push(action);
  const next = machine.transition(snapshot, event, scope);
  scope.actionExecutor = () => {};
  return [next, actions] as const;
}

/** Guards against a machine that keeps asking for effects forever. */
const MAX_EFFECTS_PER_STEP = 50;

export interface StepOutcome {
  snapshot: PersistedSnapshot;
  replies: ReplyEffect[];
}

function emitted(actions: readonly { type: string; params?: unknown }[]): Effect[] {
  const effects: Effect[] = [];
  for (const action of actions) {
    if (action.type === 'xstate.emit') effects.push((action.params as { event: Effect }).event);
  }
  return effects;
}

/** Starts a fresh conversation (no event yet): returns its snapshot and any greeting it emits. */
export function startConversation(machine: AnyStateMachine, input: ConversationInput) {
  const [snapshot, actions] = initialTransition(machine, input);
  return { snapshot, effects: emitted(actions) };
}

/**
 * A conversation before its first message, persisted: how a chat idle past the draft period is
 * kept (src/retention/), remembering only the citizen's language.
 */
export function freshSnapshot(machine: AnyStateMachine, input: ConversationInput): PersistedSnapshot {
  return machine.getPersistedSnapshot(startConversation(machine, input).snapshot) as unknown as PersistedSnapshot;
}

/**
 * Whether the conversation, as persisted, would keep a photo sent to it now: the machine is
 * stepped with one (purely: nothing performed, nothing stored) and asked whether it emits
 * `keepMedia`. The flow stays the one place that decides where photos are wanted.
 */
export function wouldKeepPhoto(machine: AnyStateMachine, persisted: PersistedSnapshot): boolean {
  const snapshot = machine.resolveState(persisted as Parameters<AnyStateMachine['resolveState']>[0]);
  const [, actions] = transition(machine, snapshot, { type: 'citizen.photo', mediaRef: 'photo-wanted-probe' });
  return emitted(actions).some((effect) => effect.type === 'keepMedia');
}

export async function step(
  machine: AnyStateMachine,
  persisted: PersistedSnapshot | null,
  input: ConversationInput,
  /** One event, or several in order (news about the citizen's cases, then their message). */
  event: ConversationEvent | readonly ConversationEvent[],
  perform: Perform,
): Promise<StepOutcome> {
  let snapshot;
  const pending: Effect[] = [];
  if (persisted) {
    snapshot = machine.resolveState(persisted as Parameters<AnyStateMachine['resolveState']>[0]);
  } else {
    const start = startConversation(machine, input);
    snapshot = start.snapshot;
    pending.push(...start.effects);
  }
  let actions;
  for (const each of Array.isArray(event) ? event : [event]) {
    [snapshot, actions] = transition(machine, snapshot, each);
    pending.push(...emitted(actions));
  }

  const replies: ReplyEffect[] = [];
  let performed = 0;
  while (pending.length > 0) {
    const effect = pending.shift()!;
    if (effect.type === 'reply') {
      replies.push(effect);
      continue;
    }
    if (++performed > MAX_EFFECTS_PER_STEP) throw new Error(`conversation step performed more than ${MAX_EFFECTS_PER_STEP} effects`);
    const result = await perform(effect);
    if (result) {
      [snapshot, actions] = transition(machine, snapshot, result);
      pending.push(...emitted(actions));
    }
  }
  return { snapshot: machine.getPersistedSnapshot(snapshot) as unknown as PersistedSnapshot, replies };
}
