// The web client in a real browser (Debian's Chromium, headless, driven by playwright-core) against the
// running system: CHAT_GATEWAY_URL (scripts/test.sh passes it; default the test env's gateway).
// Every user is fresh (random names), so the tests can run against a system that already has data.
// Screenshots of the main screens go to target/screenshots/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE = (process.env.CHAT_GATEWAY_URL || 'http://127.0.0.1:18080').replace(/\/$/, '');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'target', 'screenshots');
const WAIT = 20_000;

let browser;

before(async () => {
  await mkdir(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
});

// ------------------------------------------------------------------ helpers

function uniqueName(prefix) {
  return (prefix + '_' + randomUUID().slice(0, 8)).toLowerCase();
}

async function api(method, p, body, token) {
  const res = await fetch(BASE + p, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: 'Bearer ' + token } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A fresh user registered and logged in over REST (the browser logs in with the same password). */
async function apiUser(prefix) {
  const username = uniqueName(prefix);
  const password = 'pw-' + randomUUID();
  const reg = await api('POST', '/api/auth/register', { username, password, displayName: prefix });
  assert.equal(reg.status, 201, 'register: ' + JSON.stringify(reg.body));
  const login = await api('POST', '/api/auth/login', { username, password });
  assert.equal(login.status, 200, 'login: ' + JSON.stringify(login.body));
  return { username, password, userId: login.body.userId, accessToken: login.body.accessToken };
}

async function directRoom(a, b) {
  const res = await api('POST', '/api/rooms', { kind: 'direct', members: [b.userId] }, a.accessToken);
  assert.ok(res.status === 201 || res.status === 200, 'create room: ' + JSON.stringify(res.body));
  return res.body.id;
}

/** A browser context (its own storage: one user) with the page open and watched for script errors and dialogs. */
async function openPage(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, ...options });
  const page = await context.newPage();
  page.errors = [];
  page.dialogs = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) {
      page.errors.push(m.text());
    }
  });
  page.on('dialog', async (d) => {
    page.dialogs.push(d.type() + ':' + d.message());
    await d.dismiss();
  });
  await page.goto(BASE + '/');
  return { context, page };
}

async function uiLogin(page, user) {
  await page.getByTestId('login-username').fill(user.username);
  await page.getByTestId('login-password').fill(user.password);
  await page.getByTestId('login-submit').click();
  await waitOnline(page);
}

async function waitOnline(page) {
  await page.locator('#app').waitFor({ state: 'visible', timeout: WAIT });
  await page.waitForFunction(() => globalThis.chatApp?.client.state === 'online', null, { timeout: WAIT });
}

async function openRoomInList(page, roomId) {
  const item = page.locator(`#rooms li[data-room-id="${roomId}"] button`);
  await item.waitFor({ timeout: WAIT });
  await item.click();
  await page.waitForFunction((id) => globalThis.chatApp.ui.current === id
    && !/Loading/.test(document.querySelector('#history-top').textContent), roomId, { timeout: WAIT });
}

async function sendInUi(page, text) {
  await page.getByTestId('composer').fill(text);
  await page.getByTestId('composer').press('Enter');
}

/** The texts of the open room's messages, top to bottom. */
function texts(page) {
  return page.locator('#message-list > li [data-testid=message-text]').allTextContents();
}

function message(page, text) {
  return page.locator('#message-list > li', { has: page.locator('[data-testid=message-text]', { hasText: text }) });
}

function shot(page, name) {
  return page.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage: false });
}

// ------------------------------------------------------------------ tests

test('two users chat in real time both ways; typing and read ticks show on the other side', async () => {
  const bob = await apiUser('bob');
  const a = await openPage();
  const b = await openPage();
  try {
    // alice registers through the UI
    await a.page.getByRole('tab', { name: 'Create account' }).click();
    const alice = { username: uniqueName('alice'), password: 'pw-' + randomUUID() };
    await a.page.getByTestId('register-username').fill(alice.username);
    await a.page.getByTestId('register-display-name').fill('Alice');
    await a.page.getByTestId('register-password').fill(alice.password);
    await shot(a.page, '01-register');
    await a.page.getByTestId('register-submit').click();
    await waitOnline(a.page);
    assert.equal(await a.page.getByTestId('me').textContent(), alice.username);

    await uiLogin(b.page, bob);

    // alice starts a direct conversation with bob, found by username
    await a.page.getByTestId('new-room').click();
    await a.page.getByTestId('new-room-who').fill(bob.username);
    await a.page.locator(`[data-testid=user-result][data-username="${bob.username}"]`).click({ timeout: WAIT });
    await a.page.getByTestId('new-room-create').click();
    await a.page.waitForFunction(() => !!globalThis.chatApp.ui.current, null, { timeout: WAIT });
    const roomId = await a.page.evaluate(() => globalThis.chatApp.ui.current);

    await sendInUi(a.page, 'hello bob');
    // alice's own message goes from pending to stored (acked with a seq)
    await message(a.page, 'hello bob').and(a.page.locator('[data-seq="1"]')).waitFor({ timeout: WAIT });
    assert.match(await message(a.page, 'hello bob').getAttribute('data-status'), /^(sent|delivered)$/);
    // bob's client holds it (online, room not opened yet): receipt.delivered gives alice ✓✓, not yet read
    const helloTick = message(a.page, 'hello bob');
    await helloTick.and(a.page.locator('[data-status=delivered]')).waitFor({ timeout: WAIT });
    assert.equal(await helloTick.getByTestId('tick').textContent(), '✓✓');
    assert.equal(await helloTick.locator('.tick.read').count(), 0);

    // bob: the new room appears live in his list with an unread badge and the last message
    const bobRoom = b.page.locator(`#rooms li[data-room-id="${roomId}"]`);
    await bobRoom.getByTestId('unread').waitFor({ timeout: WAIT });
    assert.equal(await bobRoom.getByTestId('room-last').textContent(), 'hello bob');
    await shot(b.page, '02-rooms-unread');
    await openRoomInList(b.page, roomId);
    assert.deepEqual(await texts(b.page), ['hello bob']);
    // bob has the conversation open: receipt.read → alice sees the read tick
    await helloTick.and(a.page.locator('[data-status=read]')).waitFor({ timeout: WAIT });
    assert.equal(await helloTick.getByTestId('tick').textContent(), '✓✓');
    assert.equal(await helloTick.locator('.tick.read').count(), 1);
    // bob's own unread count went with it (his read pointer, as the server keeps it)
    const bobRooms = await api('GET', '/api/rooms', undefined, bob.accessToken);
    assert.equal(bobRooms.body.items.find((r) => r.id === roomId).unread, 0);

    // bob types: alice sees it; bob answers: alice gets it live
    await b.page.getByTestId('composer').pressSequentially('hi al', { delay: 30 });
    await a.page.getByTestId('typing').filter({ hasText: 'is typing' }).waitFor({ timeout: WAIT });
    await shot(a.page, '03-typing');
    await b.page.getByTestId('composer').pressSequentially('ice!', { delay: 10 });
    await b.page.getByTestId('composer').press('Enter');
    await message(a.page, 'hi alice!').waitFor({ timeout: WAIT });
    // the typing line clears when the message arrives
    await a.page.waitForFunction(() => document.querySelector('#typing').textContent === '', null, { timeout: WAIT });

    // and back again
    await sendInUi(a.page, 'how are you?');
    await message(b.page, 'how are you?').waitFor({ timeout: WAIT });
    // bob is looking at the conversation: read at once
    await message(a.page, 'how are you?').and(a.page.locator('[data-status=read]')).waitFor({ timeout: WAIT });
    assert.deepEqual(await texts(a.page), ['hello bob', 'hi alice!', 'how are you?']);
    assert.deepEqual(await texts(b.page), ['hello bob', 'hi alice!', 'how are you?']);
    assert.doesNotMatch(await a.page.locator('#message-list').textContent(), /null|undefined/);
    // presence dots: bob is online in alice's list and conversation header
    await a.page.locator(`#rooms li[data-room-id="${roomId}"] .dot.online`).waitFor({ timeout: WAIT });
    await a.page.locator('#conv-presence.online').waitFor({ timeout: WAIT });
    const seqs = await b.page.locator('#message-list > li').evaluateAll((lis) => lis.map((li) => Number(li.dataset.seq)));
    assert.deepEqual(seqs, [1, 2, 3]);
    await shot(a.page, '04-conversation');
    await shot(b.page, '05-conversation-other-side');
    assert.deepEqual([...a.page.errors, ...b.page.errors], [], 'no script errors, no CSP violations');
  } finally {
    await a.context.close();
    await b.context.close();
  }
});

test('after a reload the history comes back and scrolling up pages older messages', async () => {
  const alice = await apiUser('alice');
  const carol = await apiUser('carol');
  const roomId = await directRoom(alice, carol);
  for (let i = 1; i <= 45; i++) { // seeded through the REST send fallback
    const r = await api('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'seed-' + i, text: 'history ' + i }, alice.accessToken);
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  const { context, page } = await openPage();
  try {
    await uiLogin(page, alice);
    await openRoomInList(page, roomId);
    let shown = await texts(page);
    assert.equal(shown.length, 30, 'the newest page');
    assert.equal(shown.at(-1), 'history 45');

    await page.reload();
    await waitOnline(page);
    // the address keeps the open room; the session survives the reload (tab storage)
    await page.waitForFunction(() => document.querySelectorAll('#message-list > li').length === 30, null, { timeout: WAIT });
    shown = await texts(page);
    assert.equal(shown[0], 'history 16');
    assert.equal(shown.at(-1), 'history 45');

    // scrolling to the top loads the older page, keeping order
    await page.locator('#messages').evaluate((box) => { box.scrollTop = 0; });
    await page.waitForFunction(() => document.querySelectorAll('#message-list > li').length === 45, null, { timeout: WAIT });
    shown = await texts(page);
    assert.deepEqual(shown, Array.from({ length: 45 }, (_, i) => 'history ' + (i + 1)));
    assert.match(await page.getByTestId('history-top').textContent(), /Beginning/);
    await shot(page, '06-history');
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test('offline: messages are queued and shown pending, then delivered exactly once and in order', async () => {
  const alice = await apiUser('alice');
  const bob = await apiUser('bob');
  const roomId = await directRoom(alice, bob);
  const a = await openPage();
  const b = await openPage();
  try {
    await uiLogin(a.page, alice);
    await uiLogin(b.page, bob);
    await openRoomInList(a.page, roomId);
    await openRoomInList(b.page, roomId);
    await sendInUi(a.page, 'before going offline');
    await message(b.page, 'before going offline').waitFor({ timeout: WAIT });
    // acknowledged on alice's side too (bob can see it before her ack arrives): nothing left in her outbox
    await message(a.page, 'before going offline').and(a.page.locator('[data-seq="1"]')).waitFor({ timeout: WAIT });

    await a.context.setOffline(true);
    await a.page.locator('#banner[data-state=offline]').waitFor({ timeout: WAIT });
    const queued = ['offline one', 'offline two', 'offline three'];
    for (const t of queued) {
      await sendInUi(a.page, t);
    }
    for (const t of queued) {
      const li = message(a.page, t);
      await li.waitFor({ timeout: WAIT });
      assert.equal(await li.getAttribute('data-status'), 'queued', t + ' is pending');
      assert.equal(await li.getAttribute('data-seq'), null, t + ' has no seq yet');
    }
    assert.match(await a.page.getByTestId('banner').textContent(), /3 messages queued/);
    // persisted: the outbox survives in the browser's storage
    const persisted = await a.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('chat.outbox.v1.'))
      .flatMap((k) => JSON.parse(localStorage.getItem(k))).map((e) => e.text));
    assert.deepEqual(persisted, queued);
    await shot(a.page, '07-offline-queued');
    // nothing reached bob meanwhile
    assert.deepEqual(await texts(b.page), ['before going offline']);

    await a.context.setOffline(false);
    await a.page.locator('#banner').waitFor({ state: 'hidden', timeout: WAIT });
    for (const t of queued) {
      await message(a.page, t).and(a.page.locator('[data-seq]')).waitFor({ timeout: WAIT });
    }
    await b.page.waitForFunction(() => document.querySelectorAll('#message-list > li').length === 4, null, { timeout: WAIT });
    const expected = ['before going offline', ...queued];
    assert.deepEqual(await texts(b.page), expected);
    assert.deepEqual(await texts(a.page), expected);
    // the store holds each exactly once, in order (seq 1..4)
    const page = await api('GET', `/api/rooms/${roomId}/messages?limit=50`, undefined, alice.accessToken);
    assert.deepEqual(page.body.items.map((m) => [m.seq, m.text]), expected.map((t, i) => [i + 1, t]));
    assert.equal(await a.page.evaluate(() => globalThis.chatApp.client.outbox.size), 0);
    assert.deepEqual([...a.page.errors, ...b.page.errors], []);
  } finally {
    await a.context.close();
    await b.context.close();
  }
});

test('a message with HTML shows as literal text and runs nothing (phone-sized screen)', async () => {
  const alice = await apiUser('alice');
  const bob = await apiUser('bob');
  const roomId = await directRoom(alice, bob);
  const a = await openPage();
  const b = await openPage({ viewport: { width: 390, height: 780 }, isMobile: true, hasTouch: true });
  try {
    await uiLogin(a.page, alice);
    await uiLogin(b.page, bob);
    await shot(b.page, '08-phone-rooms');
    await openRoomInList(a.page, roomId);
    await openRoomInList(b.page, roomId);
    const payload = '<img src=x onerror=alert(1)>';
    const payload2 = '<script>window.__pwned = 1</script><b>bold?</b>';
    await sendInUi(a.page, payload);
    await sendInUi(a.page, payload2);
    for (const p of [a.page, b.page]) {
      await message(p, 'bold?').waitFor({ timeout: WAIT });
      assert.deepEqual(await texts(p), [payload, payload2]);
      assert.equal(await p.locator('#message-list img, #message-list script, #message-list b').count(), 0);
      assert.equal(await p.locator('#rooms img').count(), 0);
      assert.equal(await p.evaluate(() => globalThis.__pwned), undefined);
    }
    await a.page.waitForTimeout(500); // an onerror would have fired by now
    assert.deepEqual([...a.page.dialogs, ...b.page.dialogs], [], 'no alert ran');
    await shot(b.page, '09-phone-conversation-xss-as-text');
    assert.deepEqual([...a.page.errors, ...b.page.errors], []);
  } finally {
    await a.context.close();
    await b.context.close();
  }
});

test('group and channel: edit, delete, reaction, reply, thread, pin, search, joining from discovery, notification settings', async () => {
  const alice = await apiUser('alice');
  const bob = await apiUser('bob');
  const a = await openPage();
  const b = await openPage();
  a.page.removeAllListeners('dialog');
  a.page.on('dialog', async (d) => { // "Delete this message for everyone?"
    a.page.dialogs.push(d.type() + ':' + d.message());
    await d.accept();
  });
  const tag = randomUUID().slice(0, 8);
  try {
    await uiLogin(a.page, alice);
    await uiLogin(b.page, bob);

    // alice creates a group with bob, found by username; it appears live in bob's list
    await a.page.getByTestId('new-room').click();
    await a.page.getByTestId('new-room-kind').selectOption('group');
    await a.page.getByTestId('new-room-name').fill('Plans ' + tag);
    await a.page.getByTestId('new-room-who').fill(bob.username);
    await a.page.locator(`[data-testid=user-result][data-username="${bob.username}"]`).click({ timeout: WAIT });
    await a.page.getByTestId('new-room-create').click();
    await a.page.waitForFunction(() => globalThis.chatApp.ui.rooms.get(globalThis.chatApp.ui.current)?.kind === 'group',
      null, { timeout: WAIT });
    const groupId = await a.page.evaluate(() => globalThis.chatApp.ui.current);
    assert.equal(await a.page.getByTestId('conv-title').textContent(), 'Plans ' + tag);
    await sendInUi(a.page, 'the plna ' + tag);
    await sendInUi(a.page, 'this one goes away');
    await message(a.page, 'this one goes away').and(a.page.locator('[data-seq="2"]')).waitFor({ timeout: WAIT });
    await openRoomInList(b.page, groupId);
    assert.deepEqual(await texts(b.page), ['the plna ' + tag, 'this one goes away']);

    // edit: alice fixes her typo, both sides show the new text marked edited
    const fixed = 'the plan ' + tag + ' fixed';
    await message(a.page, 'the plna').hover();
    await message(a.page, 'the plna').getByTestId('action-edit').click();
    assert.equal(await a.page.getByTestId('composer').inputValue(), 'the plna ' + tag);
    await sendInUi(a.page, fixed);
    for (const p of [a.page, b.page]) {
      await message(p, fixed).locator('.edited').waitFor({ timeout: WAIT });
    }
    assert.deepEqual(await texts(b.page), [fixed, 'this one goes away']);

    // delete: a tombstone on both sides (seq kept, text gone)
    await message(a.page, 'this one goes away').hover();
    await message(a.page, 'this one goes away').getByTestId('action-delete').click();
    for (const p of [a.page, b.page]) {
      await p.locator('#message-list > li.deleted[data-seq="2"]').waitFor({ timeout: WAIT });
      assert.deepEqual(await texts(p), [fixed, 'Message deleted']);
    }
    const stored = await api('GET', `/api/rooms/${groupId}/messages`, undefined, bob.accessToken);
    assert.equal(stored.body.items[1].deleted, true);
    assert.ok(!stored.body.items[1].text, 'the tombstone has no text');

    // reaction: bob's 👍 shows on alice's side
    await message(b.page, fixed).hover();
    await message(b.page, fixed).getByTestId('action-react').click();
    const aliceReaction = message(a.page, fixed).locator('[data-testid=reaction][data-emoji="👍"][data-count="1"]');
    await aliceReaction.waitFor({ timeout: WAIT });
    assert.equal(await aliceReaction.getAttribute('data-mine'), 'false');
    await message(b.page, fixed).locator('[data-testid=reaction][data-mine=true]').waitFor({ timeout: WAIT });

    // reply: bob answers quoting alice's message
    await message(b.page, fixed).hover();
    await message(b.page, fixed).getByTestId('action-reply').click();
    await sendInUi(b.page, 'sounds good ' + tag);
    await message(a.page, 'sounds good').waitFor({ timeout: WAIT });
    assert.match(await message(a.page, 'sounds good').locator('.quote').textContent(), new RegExp('the plan ' + tag));

    // thread: bob replies in the thread of alice's message; alice opens the thread and sees it (GET …/thread)
    await message(b.page, fixed).hover();
    await message(b.page, fixed).getByTestId('action-thread').click();
    await b.page.getByTestId('thread').waitFor({ timeout: WAIT });
    await sendInUi(b.page, 'a detail for the thread');
    await b.page.getByTestId('thread-list').locator('[data-testid=message-text]', { hasText: 'a detail for the thread' })
      .waitFor({ timeout: WAIT });
    const threaded = message(a.page, 'a detail for the thread');
    await threaded.waitFor({ timeout: WAIT });
    await threaded.locator('.thread-link').click();
    const threadTexts = a.page.getByTestId('thread-list').locator('[data-testid=message-text]');
    await a.page.waitForFunction(() => document.querySelectorAll('#thread-list > li').length === 2, null, { timeout: WAIT });
    assert.deepEqual(await threadTexts.allTextContents(), [fixed, 'a detail for the thread']);
    await shot(a.page, '12-group-edit-delete-reaction-thread');
    for (const p of [a.page, b.page]) {
      await p.locator('#thread-close').click();
    }

    // pin: alice (the group's owner) pins her message; bob sees it in the pins list
    await message(a.page, fixed).hover();
    await message(a.page, fixed).getByTestId('action-pin').click();
    await a.page.getByTestId('toast').filter({ hasText: 'Message pinned.' }).waitFor({ timeout: WAIT });
    await b.page.getByTestId('conv-pins').click();
    await b.page.getByTestId('pins-list').getByTestId('pin').filter({ hasText: fixed }).waitFor({ timeout: WAIT });
    await b.page.locator('#pins-dialog button[type=submit]').click();

    // search: bob finds alice's message by a word of it
    await b.page.getByTestId('conv-search').click();
    await b.page.getByTestId('search-q').fill(tag + ' fixed');
    await b.page.getByTestId('search-submit').click();
    const hit = b.page.getByTestId('search-results').getByTestId('search-result');
    await hit.first().waitFor({ timeout: WAIT });
    assert.equal(await hit.count(), 1);
    assert.match(await hit.textContent(), new RegExp(fixed));
    assert.equal(await hit.getAttribute('data-room'), groupId);
    await b.page.locator('#search-cancel').click();

    // channel: alice creates one; bob finds it in the channel list and joins; his message reaches alice live
    await a.page.getByTestId('new-room').click();
    await a.page.getByTestId('new-room-kind').selectOption('channel');
    await a.page.getByTestId('new-room-name').fill('News ' + tag);
    await a.page.getByTestId('new-room-create').click();
    await a.page.waitForFunction(() => globalThis.chatApp.ui.rooms.get(globalThis.chatApp.ui.current)?.kind === 'channel',
      null, { timeout: WAIT });
    const channelId = await a.page.evaluate(() => globalThis.chatApp.ui.current);
    await b.page.getByTestId('new-room').click();
    const listed = b.page.locator(`[data-testid=channel][data-room-id="${channelId}"]`);
    await listed.waitFor({ timeout: WAIT });
    assert.equal(await listed.getAttribute('data-joined'), 'false');
    assert.match(await listed.textContent(), new RegExp('News ' + tag));
    await shot(b.page, '13-channel-discovery');
    await listed.getByTestId('channel-join').click();
    await b.page.waitForFunction((id) => globalThis.chatApp.ui.current === id
      && !/Loading/.test(document.querySelector('#history-top').textContent), channelId, { timeout: WAIT });
    await sendInUi(b.page, 'glad to be here ' + tag);
    await message(a.page, 'glad to be here').waitFor({ timeout: WAIT });
    const channel = await api('GET', `/api/rooms/${channelId}`, undefined, alice.accessToken);
    assert.deepEqual(channel.body.members.map((m) => m.userId).sort(), [alice.userId, bob.userId].sort());

    // notification settings: bob wants every message of this channel and no email digest
    await b.page.getByTestId('conv-settings').click();
    await b.page.locator('#settings-form[data-state=ready]').waitFor({ timeout: WAIT });
    await b.page.getByTestId('settings-room-level').selectOption('all');
    await b.page.getByTestId('settings-email-digest').setChecked(false);
    await b.page.getByTestId('settings-save').click();
    await b.page.getByTestId('toast').filter({ hasText: 'Notification settings saved.' }).waitFor({ timeout: WAIT });
    const settings = await api('GET', '/api/notification-settings', undefined, bob.accessToken);
    assert.equal(settings.body.rooms?.[channelId]?.level, 'all', JSON.stringify(settings.body));
    assert.equal(settings.body.emailDigest, false);

    assert.deepEqual(a.page.dialogs, ['confirm:Delete this message for everyone?']);
    assert.deepEqual([...a.page.errors, ...b.page.errors], [], 'no script errors, no CSP violations');
  } finally {
    await a.context.close();
    await b.context.close();
  }
});

test('support: a customer opens support, staff answers from the console and closes it, the customer sees it closed', async () => {
  // staff is granted by an administrator through the real API; scripts/test.sh names a fresh bootstrap admin per run
  const adminName = process.env.CHAT_TEST_ADMIN;
  assert.ok(adminName, 'CHAT_TEST_ADMIN must name the bootstrap admin of the system under test (scripts/test.sh sets it)');
  const adminPassword = 'pw-' + randomUUID();
  const reg = await api('POST', '/api/auth/register', { username: adminName, password: adminPassword });
  assert.equal(reg.status, 201, 'the bootstrap admin registers once per system: ' + JSON.stringify(reg.body));
  const admin = (await api('POST', '/api/auth/login', { username: adminName, password: adminPassword })).body;
  const staff = await apiUser('staff');
  const grant = await api('PUT', `/api/admin/users/${staff.userId}/roles/staff`, undefined, admin.accessToken);
  assert.equal(grant.status, 204, 'grant staff: ' + JSON.stringify(grant.body));
  const customer = await apiUser('customer');

  const c = await openPage({ viewport: { width: 390, height: 760 } });
  await c.page.goto(BASE + '/?mode=support');
  const s = await openPage();
  s.page.removeAllListeners('dialog');
  s.page.on('dialog', (d) => d.accept()); // "Close this support conversation?"
  try {
    await uiLogin(c.page, customer); // the support widget opens the customer's support room by itself
    await c.page.waitForFunction(() => globalThis.chatApp.ui.rooms.get(globalThis.chatApp.ui.current)?.kind === 'support',
      null, { timeout: WAIT });
    const roomId = await c.page.evaluate(() => globalThis.chatApp.ui.current);
    await sendInUi(c.page, 'my order never arrived');
    await message(c.page, 'my order never arrived').and(c.page.locator('[data-seq="1"]')).waitFor({ timeout: WAIT });

    // staff finds it in the console queue and answers
    await uiLogin(s.page, staff);
    await s.page.getByTestId('nav-staff').click();
    const queued = s.page.locator(`#support-rooms li[data-room-id="${roomId}"] button`);
    await queued.waitFor({ timeout: WAIT });
    await shot(s.page, '10-staff-console');
    await queued.click();
    await s.page.waitForFunction((id) => globalThis.chatApp.ui.current === id, roomId, { timeout: WAIT });
    await message(s.page, 'my order never arrived').waitFor({ timeout: WAIT });
    await sendInUi(s.page, 'sorry about that, a new one is on its way');
    await message(s.page, 'sorry about that').and(s.page.locator('[data-seq="2"]')).waitFor({ timeout: WAIT });

    // the customer sees the answer live
    await message(c.page, 'sorry about that, a new one is on its way').waitFor({ timeout: WAIT });

    // staff closes it; the customer sees it closed and can no longer write
    await s.page.getByTestId('close-support').click();
    await c.page.getByTestId('closed-note').waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await c.page.locator('#composer-text').isDisabled(), true, 'a closed support room is read-only');
    await shot(c.page, '11-support-closed-customer');
    const closed = await api('GET', `/api/rooms/${roomId}`, undefined, customer.accessToken);
    assert.equal(closed.body.status, 'closed');
    // and the server refuses writes, whatever the client does
    const refused = await api('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'after-close', text: 'hello?' },
      customer.accessToken);
    assert.equal(refused.status, 403);
    assert.deepEqual(c.page.errors, []);
    assert.deepEqual(s.page.errors, []);
  } finally {
    await c.context.close();
    await s.context.close();
  }
});
