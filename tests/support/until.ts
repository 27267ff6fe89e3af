/** Waiting on a condition with a deadline, never on time alone. */

/**
 * Polls `condition` until it holds; fails after `timeoutMs` with `what`. The interval only limits
 * load: the condition decides.
 *
 * @example
 *   await until('the reply at the Bot API', () => telegram.sent(chat).length === 1, 10_000);
 */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
