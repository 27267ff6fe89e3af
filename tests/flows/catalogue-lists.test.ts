/**
 * The catalogue's lists in the stored conversation: a list is kept only while its question is open,
 * and the services only as codes; a question asked again (an unusable answer, a language switch)
 * lists the catalogue again, in full, and a conversation stored with the lists of old still resumes.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { en } from '../../flows/copy/en.js';
import { id } from '../../flows/copy/id.js';
import type { ConversationContext } from '../../flows/context.js';
import * as t from '../../src/db/schema.js';
import { Chat, World, catalogue, useRuntime } from './driver.js';

useRuntime();

const DESCRIPTION = 'Jalan di depan SD Negeri 3 berlubang besar sejak dua bulan lalu.';

function contextOf(chat: Chat): ConversationContext {
  return chat.snapshot?.context as ConversationContext;
}

/** Names the catalogue gives its categories and services, in both languages, as they would appear in stored JSON. */
const categoryNames = catalogue.categories.flatMap((category) => [category.name.id, category.name.en]);
const serviceNames = catalogue.services.flatMap((service) => [service.name.id, service.name.en]);

function storedNames(chat: Chat, names: readonly string[]): string[] {
  const stored = JSON.stringify(chat.snapshot);
  return names.filter((name) => stored.includes(JSON.stringify(name)));
}

function expectEveryCategory(reply: string, lang: 'id' | 'en') {
  catalogue.categories.forEach((category, index) => expect(reply).toContain(`${index + 1}. ${category.name[lang]}`));
}

describe('the categories', () => {
  it('are not kept once the category is chosen, and the summary still names it', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1', '1');
    expect(contextOf(chat).question).toBe('category');

    await chat.send('2');
    expect(contextOf(chat).categories).toEqual([]);
    expect(storedNames(chat, categoryNames)).toEqual([]);

    const [summary] = await chat.say(DESCRIPTION, 'lewati', 'lewati', '2');
    expect(summary).toContain(`${id.confirm.labels.category}: ${catalogue.categories[1].name.id}`);
    expect(storedNames(chat, categoryNames)).toEqual([]);

    // The summary asked again in English names the category in English, from a new listing.
    const [again] = await chat.send('english');
    expect(again).toContain(`${en.confirm.labels.category}: ${catalogue.categories[1].name.en}`);
    expect(storedNames(chat, categoryNames)).toEqual([]);
  });

  it('are listed in full again after an unusable answer and after a language switch', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1', '1');

    let [reply] = await chat.send('xyz');
    expect(reply.startsWith(id.hints.choice)).toBe(true);
    expect(reply).toContain(id.category.prompt);
    expectEveryCategory(reply, 'id');
    expect(chat.replies[0].options).toHaveLength(catalogue.categories.length);

    [reply] = await chat.send('english');
    expect(reply.startsWith(en.notes.langSwitched)).toBe(true);
    expect(reply).toContain(en.category.prompt);
    expectEveryCategory(reply, 'en');

    [reply] = await chat.send('education');
    expect(reply).toContain(en.description.pengaduan);
    expect(contextOf(chat).draft.categoryCode).toBe('pendidikan');
  });
});

describe('the services', () => {
  it('are kept as codes while listed and forgotten once one is chosen', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '3');
    expect(contextOf(chat).services).toEqual({ query: '', codes: catalogue.services.map((service) => service.code) });
    expect(storedNames(chat, serviceNames)).toEqual([]);

    // Only the service shown is kept, while reporting about it is offered.
    await chat.send('2');
    const shown = catalogue.services[1];
    expect(contextOf(chat).services).toBeNull();
    expect(storedNames(chat, serviceNames)).toEqual([shown.name.id, shown.name.en]);

    await chat.send('2');
    expect(contextOf(chat).service).toBeNull();
    expect(storedNames(chat, serviceNames)).toEqual([]);
  });

  it('are listed in full again after an unusable answer and after a language switch', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '3');

    let [reply] = await chat.send('99');
    expect(reply.startsWith(id.hints.choice)).toBe(true);
    catalogue.services.forEach((service, index) => expect(reply).toContain(`${index + 1}. ${service.name.id}`));
    expect(chat.replies[0].options).toHaveLength(catalogue.services.length);

    [reply] = await chat.send('english');
    expect(reply.startsWith(en.notes.langSwitched)).toBe(true);
    catalogue.services.forEach((service, index) => expect(reply).toContain(`${index + 1}. ${service.name.en}`));
  });

  it('found by a search are listed again as found, without saying again that several matched', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '3');
    let [reply] = await chat.send('kartu');
    expect(reply.startsWith(id.notes.serviceMatches)).toBe(true);
    expect(contextOf(chat).services).toEqual({ query: 'kartu', codes: ['kis-pbi', 'kip-pip'] });

    [reply] = await chat.send('english');
    expect(reply.startsWith(en.notes.langSwitched)).toBe(true);
    expect(reply).not.toContain(en.notes.serviceMatches);
    expect(reply).toContain('1. KIS / PBI-JK');
    expect(reply).toContain('2. KIP / PIP');
    expect(chat.replies[0].options).toHaveLength(2);

    const [detail] = await chat.send('2');
    expect(detail).toContain('*KIP / PIP');
  });
});

describe('a conversation stored by the previous version, with the catalogue in it', () => {
  it('offers its report back, which goes on to a summary naming the category', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', '1', '1', '2');
    expect(contextOf(chat).question).toBe('description');

    // The old shape: the categories and the services listed kept whole for the rest of the conversation.
    const { ctx } = world.app;
    const old = {
      ...chat.snapshot,
      context: {
        ...contextOf(chat),
        categories: catalogue.categories.map(({ code, name }) => ({ code, name })),
        services: catalogue.services.map(({ code, name }) => ({ code, name })),
      },
    };
    const identityId = await world.identityOf(chat.citizen);
    await ctx.db.db.update(t.conversations).set({ snapshot: old, version: ctx.machineVersion - 1 }).where(eq(t.conversations.identityId, identityId));

    let [reply] = await chat.send('menu');
    expect(reply.startsWith(`${id.notes.restartUpgrade}\n\n${id.notes.draftKept}`)).toBe(true);
    expect(contextOf(chat).categories).toEqual([]);

    [reply] = await chat.say('1', '1');
    expect(reply).toContain(id.description.pengaduan);
    [reply] = await chat.say(DESCRIPTION, 'lewati', 'lewati', '2');
    expect(reply).toContain(`${id.confirm.labels.category}: ${catalogue.categories[1].name.id}`);
  });
});
