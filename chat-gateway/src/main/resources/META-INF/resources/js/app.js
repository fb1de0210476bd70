// The chat app: views over the client library. User content is rendered with el()/textContent only.

import { ChatClient, State } from './chat-client.js';
import { el, clear, $, show, time } from './dom.js';

const client = new ChatClient();
const params = new URLSearchParams(location.search);
const widget = params.get('mode') === 'support';

const ui = {
  rooms: new Map(), // id -> room ({id, kind, name, status, members, unread, lastMessage, lastSeq})
  current: null,
  names: new Map(), // userId -> display name
  presence: new Map(), // userId -> status
  typing: new Map(), // `${room}|${user}` -> timer
  receipts: new Map(), // room -> Map(userId -> {delivered, read}): pointers of the other members heard live
  threadRoot: null, // msgId of the root whose thread panel is open
  bySeq: new Map(), // seq -> <li> of the open room
  oldestSeq: null,
  hasOlder: false,
  loadingOlder: false,
  context: null, // {mode: 'reply'|'thread'|'edit', message}
  messages: new Map(), // msgId -> message of the open room (for quotes, threads, edits)
  readTimer: null,
  lastRead: new Map(),
};

// ------------------------------------------------------------------ boot

document.addEventListener('DOMContentLoaded', boot);

function boot() {
  if (widget) {
    document.body.classList.add('widget');
    show($('#auth-mode-note'));
  }
  wireAuth();
  wireApp();
  client.on('state', renderBanner);
  client.on('state', ({ state }) => {
    if (state === State.ONLINE) {
      scheduleRead(); // a read receipt that could not go out meanwhile
    }
  });
  client.on('message', onMessage);
  client.on('outbox', onOutbox);
  client.on('typing', onTyping);
  client.on('receipt', onReceipt);
  client.on('presence', (p) => {
    ui.presence.set(p.user, p.status);
    renderRooms();
    renderHeader();
  });
  client.on('message.edited', (e) => updateMessage(e.room, e.msgId, { text: e.text, editedAt: e.editedAt }));
  client.on('message.deleted', (e) => updateMessage(e.room, e.msgId, { deleted: true, text: null, reactions: undefined }));
  client.on('reaction.updated', onReaction);
  client.on('room.updated', (e) => refreshRoom(e.room));
  client.on('member.joined', (e) => refreshRoom(e.room));
  client.on('member.left', (e) => {
    if (e.userId === client.userId) {
      ui.rooms.delete(e.room);
      renderRooms();
    } else {
      refreshRoom(e.room);
    }
  });
  client.on('notification', (n) => toast(n.title || n.text || 'New notification'));
  client.on('session.ended', (e) => {
    showAuth(e.reason === 'logout' ? '' : 'Your session ended, please log in again.');
  });
  document.addEventListener('visibilitychange', () => scheduleRead());

  if (client.restore()) {
    enterApp();
  } else {
    showAuth('');
  }
}

// ------------------------------------------------------------------ auth

function wireAuth() {
  const tabLogin = $('#tab-login');
  const tabRegister = $('#tab-register');
  const select = (register) => {
    tabLogin.setAttribute('aria-selected', String(!register));
    tabRegister.setAttribute('aria-selected', String(register));
    show($('#login-form'), !register);
    show($('#register-form'), register);
    $('#auth-error').textContent = '';
  };
  tabLogin.addEventListener('click', () => select(false));
  tabRegister.addEventListener('click', () => select(true));

  $('#login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    await authAction(async () => {
      await client.login(f.username.value.trim().toLowerCase(), f.password.value);
      f.password.value = '';
      enterApp();
    });
  });
  $('#register-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    const username = f.username.value.trim().toLowerCase();
    await authAction(async () => {
      await client.register({
        username, password: f.password.value, displayName: f.displayName.value.trim() || undefined,
        email: f.email.value.trim() || undefined,
      });
      await client.login(username, f.password.value);
      f.password.value = '';
      enterApp();
    });
  });
}

async function authAction(fn) {
  const err = $('#auth-error');
  err.textContent = '';
  try {
    await fn();
  } catch (e) {
    if (e.status === 429) {
      err.textContent = 'Too many attempts. Try again ' + (e.retryAfterMs ? 'in ' + Math.ceil(e.retryAfterMs / 1000) + ' s.' : 'later.');
    } else if (e.status === 401) {
      err.textContent = 'Wrong username or password.';
    } else if (e.code === 'network') {
      err.textContent = 'The server cannot be reached. Check your connection.';
    } else {
      err.textContent = e.message || 'Something went wrong.';
    }
  }
}

function showAuth(message) {
  show($('#app'), false);
  show($('#banner'), false);
  show($('#auth'));
  $('#auth-error').textContent = message || '';
}

async function enterApp() {
  show($('#auth'), false);
  show($('#app'));
  const me = client.session;
  ui.names.set(me.userId, me.username || 'me');
  $('#me').textContent = me.username || 'me';
  show($('#nav-staff'), client.isStaff());
  client.start();
  await loadRooms();
  if (widget) {
    await openSupport();
    return;
  }
  const m = /^#\/room\/(.+)$/.exec(location.hash);
  if (m && ui.rooms.has(decodeURIComponent(m[1]))) {
    openRoom(decodeURIComponent(m[1]));
  } else if (location.hash === '#/staff' && client.isStaff()) {
    showStaff();
  }
}

// ------------------------------------------------------------------ banner

function renderBanner({ state, queued }) {
  const b = $('#banner');
  b.dataset.state = state;
  b.dataset.queued = String(queued);
  const q = queued ? ` — ${queued} message${queued === 1 ? '' : 's'} queued` : '';
  const text = {
    [State.CONNECTING]: 'Connecting…' + q,
    [State.OFFLINE]: 'Offline' + q + (queued ? ', they will be sent when you are back online' : ''),
    [State.RESYNCING]: 'Resyncing…' + q,
  }[state];
  if (text && client.session) {
    clear(b).append(text);
    if (state === State.CONNECTING && client.attempt > 1) {
      b.append(' ', el('button', { type: 'button', class: 'link', on: { click: () => client.reconnectNow() } }, 'Retry now'));
    }
    show(b);
  } else {
    show(b, false);
  }
}

// ------------------------------------------------------------------ rooms

async function loadRooms() {
  let cursor;
  for (let i = 0; i < 10; i++) {
    let page;
    try {
      page = await client.listRooms(cursor);
    } catch (e) {
      toast('Cannot load your conversations: ' + e.message);
      break;
    }
    (page.items || []).forEach(addRoom);
    if (!page.next) {
      break;
    }
    cursor = page.next;
  }
  renderRooms();
  loadPresence();
  // what the room list shows has reached this device: delivered ticks for the senders
  for (const r of ui.rooms.values()) {
    if (r.unread && r.lastMessage && r.lastMessage.sender !== client.userId) {
      client.markDelivered(r.id, r.lastMessage.seq);
    }
  }
}

function addRoom(room) {
  const old = ui.rooms.get(room.id);
  const merged = { ...old, ...room };
  if (old && room.unread === undefined) {
    merged.unread = old.unread;
  }
  if (old && !room.lastMessage) {
    merged.lastMessage = old.lastMessage;
  }
  ui.rooms.set(room.id, merged);
  (room.members || []).forEach((m) => {
    const n = m.displayName || m.username;
    if (n) {
      ui.names.set(m.userId, n);
    }
  });
  client.track(room.id, room.lastSeq ?? room.lastMessage?.seq ?? 0);
  if (!old) {
    schedulePresence();
  }
  return merged;
}

async function refreshRoom(id) {
  try {
    const fresh = await client.getRoom(id);
    // a refresh never moves the client's seq tracking: messages reach it through events and sync,
    // and the server's lastSeq would make messages still in flight look already seen
    delete fresh.lastSeq;
    const room = addRoom(fresh);
    renderRooms();
    if (id === ui.current) {
      renderHeader();
    }
    return room;
  } catch {
    return null;
  }
}

let presenceTimer;
function schedulePresence() {
  clearTimeout(presenceTimer);
  presenceTimer = setTimeout(loadPresence, 300);
}

async function loadPresence() {
  const others = new Set();
  for (const r of ui.rooms.values()) {
    (r.members || []).forEach((m) => m.userId !== client.userId && others.add(m.userId));
  }
  if (!others.size) {
    return;
  }
  try {
    const res = await client.presenceOf([...others].slice(0, 100));
    (res.items || []).forEach((p) => ui.presence.set(p.user, p.status));
    renderRooms();
    renderHeader();
  } catch {
    // presence is decoration: without it the dots stay grey
  }
}

function partner(room) {
  return (room.members || []).find((m) => m.userId !== client.userId)?.userId;
}

function displayName(userId) {
  if (!userId) {
    return 'someone';
  }
  if (userId === client.userId) {
    return 'You';
  }
  return ui.names.get(userId) || 'user ' + userId.slice(0, 6);
}

function roomTitle(room) {
  if (!room) {
    return '';
  }
  if (room.name) {
    return room.name;
  }
  if (room.kind === 'direct') {
    return displayName(partner(room));
  }
  if (room.kind === 'support') {
    return client.isStaff() && room.members?.[0] && room.members[0].userId !== client.userId
      ? 'Support: ' + displayName(room.members[0].userId) : 'Support';
  }
  return room.kind;
}

function renderRooms() {
  const list = $('#rooms');
  const rooms = [...ui.rooms.values()].sort((a, b) =>
    String(b.lastMessage?.ts || b.createdAt || '').localeCompare(String(a.lastMessage?.ts || a.createdAt || '')));
  clear(list);
  if (!rooms.length) {
    list.append(el('li', { class: 'muted empty' }, 'No conversations yet. Start one with “New conversation”.'));
  }
  for (const r of rooms) {
    const other = r.kind === 'direct' ? partner(r) : null;
    const status = other ? ui.presence.get(other) || 'offline' : null;
    const last = r.lastMessage;
    const preview = last ? (last.deleted ? 'Message deleted' : (last.sender === client.userId ? 'You: ' : '') + (last.text || '')) : 'No messages yet';
    list.append(el('li', { class: 'room' + (r.id === ui.current ? ' active' : ''), dataset: { roomId: r.id, kind: r.kind } },
      el('button', { type: 'button', class: 'room-button', on: { click: () => openRoom(r.id) }, 'data-testid': 'room' },
        el('span', { class: 'dot ' + (status || 'none'), title: status || '', 'aria-label': status || '' }),
        el('span', { class: 'room-main' },
          el('span', { class: 'room-name', 'data-testid': 'room-name' }, roomTitle(r),
            r.kind !== 'direct' ? el('span', { class: 'kind' }, ' · ' + r.kind) : null,
            r.status && r.status !== 'open' ? el('span', { class: 'kind' }, ' · ' + r.status) : null),
          el('span', { class: 'room-last', 'data-testid': 'room-last' }, preview)),
        r.unread ? el('span', { class: 'badge', 'data-testid': 'unread', 'aria-label': r.unread + ' unread' }, String(r.unread)) : null)));
  }
}

// ------------------------------------------------------------------ conversation

async function openRoom(id) {
  if (!ui.rooms.has(id)) {
    if (!(await refreshRoom(id))) {
      toast('This conversation is not available.');
      return;
    }
  }
  ui.current = id;
  ui.bySeq.clear();
  ui.messages.clear();
  ui.oldestSeq = null;
  ui.hasOlder = false;
  setContext(null);
  closeThread();
  if (!widget) {
    history.replaceState(null, '', '#/room/' + encodeURIComponent(id));
  }
  document.body.classList.add('show-conversation');
  const room = ui.rooms.get(id);
  room.unread = 0;
  renderRooms();
  renderHeader();
  clear($('#message-list'));
  $('#typing').textContent = '';
  $('#history-top').textContent = 'Loading…';
  try {
    const page = await client.history(id, { limit: 30 });
    if (ui.current !== id) {
      return;
    }
    (page.items || []).forEach((m) => renderMessage(m));
    ui.hasOlder = !!page.next;
    ui.oldestSeq = page.items?.[0]?.seq ?? null;
    $('#history-top').textContent = ui.hasOlder ? '' : (page.items?.length ? 'Beginning of the conversation' : 'No messages yet');
  } catch (e) {
    $('#history-top').textContent = 'Cannot load messages: ' + e.message;
  }
  client.pending(id).forEach(renderPending);
  scrollToBottom();
  scheduleRead();
  $('#composer-text').focus();
}

function renderHeader() {
  const room = ui.rooms.get(ui.current);
  const title = $('#conv-title');
  if (!room) {
    title.textContent = 'No conversation selected';
    return;
  }
  title.textContent = roomTitle(room);
  const other = room.kind === 'direct' ? partner(room) : null;
  const dot = $('#conv-presence');
  if (other) {
    const s = ui.presence.get(other) || 'offline';
    dot.className = 'dot ' + s;
    dot.title = s;
    show(dot);
  } else {
    show(dot, false);
  }
  const closed = room.status && room.status !== 'open';
  $('#conv-status').textContent = closed ? room.status : '';
  show($('#closed-note'), !!closed);
  $('#composer-text').disabled = !!closed;
  $('#composer button[type=submit]').disabled = !!closed;
  show($('#conv-close'), room.kind === 'support' && client.isStaff() && !closed);
}

function scrollToBottom() {
  const box = $('#messages');
  box.scrollTop = box.scrollHeight;
}

function nearBottom() {
  const box = $('#messages');
  return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
}

async function loadOlder() {
  if (!ui.hasOlder || ui.loadingOlder || !ui.current || ui.oldestSeq === null) {
    return;
  }
  ui.loadingOlder = true;
  const id = ui.current;
  const box = $('#messages');
  $('#history-top').textContent = 'Loading older messages…';
  try {
    const page = await client.history(id, { before: ui.oldestSeq, limit: 30 });
    if (ui.current !== id) {
      return;
    }
    const before = box.scrollHeight;
    const items = page.items || [];
    for (let i = items.length - 1; i >= 0; i--) {
      renderMessage(items[i], { prepend: true });
    }
    if (items.length) {
      ui.oldestSeq = items[0].seq;
    }
    ui.hasOlder = !!page.next && items.length > 0;
    box.scrollTop += box.scrollHeight - before; // keep what the user looked at in place
    $('#history-top').textContent = ui.hasOlder ? '' : 'Beginning of the conversation';
  } catch (e) {
    $('#history-top').textContent = 'Cannot load older messages: ' + e.message;
  } finally {
    ui.loadingOlder = false;
  }
}

function messageNode(m, { pending = false } = {}) {
  const own = m.sender === client.userId;
  const li = el('li', {
    class: 'msg' + (own ? ' own' : '') + (m.deleted ? ' deleted' : '') + (m.threadRoot ? ' in-thread' : ''),
    'data-testid': 'message',
    dataset: { seq: pending ? undefined : m.seq, msgId: m.msgId, clientMsgId: m.clientMsgId, sender: m.sender, status: pending ? m.state || 'queued' : 'sent' },
  });
  fillMessage(li, m, pending);
  return li;
}

function fillMessage(li, m, pending) {
  clear(li);
  const own = m.sender === client.userId;
  const quoted = m.replyTo ? ui.messages.get(m.replyTo) : null;
  appendAll(li,
    el('div', { class: 'meta' },
      el('span', { class: 'sender' }, displayName(m.sender)),
      el('time', { datetime: m.ts || '' }, pending ? '' : time(m.ts)),
      m.editedAt && !m.deleted ? el('span', { class: 'edited' }, 'edited') : null),
    m.replyTo ? el('div', { class: 'quote' }, quoted ? displayName(quoted.sender) + ': ' + (quoted.text || '') : 'Reply to an earlier message') : null,
    m.threadRoot ? el('button', { type: 'button', class: 'link thread-link', on: { click: () => openThread(m.threadRoot) } }, 'in a thread') : null,
    el('div', { class: 'text', 'data-testid': 'message-text' }, m.deleted ? 'Message deleted' : m.text ?? ''),
    reactionsNode(m),
    el('div', { class: 'foot' },
      own ? el('span', { class: 'tick', 'data-testid': 'tick', 'aria-label': li.dataset.status }, tickText(li.dataset.status)) : null,
      pending && li.dataset.status === 'failed' ? [
        el('span', { class: 'error' }, m.error || 'not sent'),
        el('button', { type: 'button', class: 'link', on: { click: () => client.retry(m.clientMsgId) } }, 'Retry'),
        el('button', { type: 'button', class: 'link', on: { click: () => client.discard(m.clientMsgId) } }, 'Discard'),
      ] : null),
    pending || m.deleted ? null : actionsNode(m, own));
}

/** Like Element.append, but skips null/undefined/false (append would print them as text). */
function appendAll(node, ...children) {
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

function tickText(status) {
  return { queued: 'pending', sending: 'sending', failed: 'not sent', sent: '✓', delivered: '✓✓', read: '✓✓' }[status] || '';
}

function reactionsNode(m) {
  const r = m.reactions || {};
  const entries = Array.isArray(r) ? r.map((x) => [x.emoji, x.users || []]) : Object.entries(r);
  if (!entries.length) {
    return null;
  }
  return el('div', { class: 'reactions' }, entries.filter(([, users]) => users.length).map(([emoji, users]) => {
    const mine = users.includes(client.userId);
    return el('button', {
      type: 'button', class: 'reaction' + (mine ? ' mine' : ''), title: users.map(displayName).join(', '),
      'data-testid': 'reaction', dataset: { emoji, count: users.length, mine: String(mine) },
      on: { click: () => command(client.react(m.room, m.msgId, emoji, !mine), 'Reactions') },
    }, emoji + ' ' + users.length);
  }));
}

function actionsNode(m, own) {
  const b = (label, fn, testid) => el('button', { type: 'button', class: 'link', 'data-testid': testid, on: { click: fn } }, label);
  return el('div', { class: 'actions' },
    b('Reply', () => setContext({ mode: 'reply', message: m }), 'action-reply'),
    b('Thread', () => openThread(m.threadRoot || m.msgId), 'action-thread'),
    b('👍', () => command(client.react(m.room, m.msgId, '👍', true), 'Reactions'), 'action-react'),
    b('Pin', async () => {
      if (await command(client.pin(m.room, m.msgId), 'Pinning') !== null) {
        toast('Message pinned.');
      }
    }, 'action-pin'),
    own ? b('Edit', () => setContext({ mode: 'edit', message: m }), 'action-edit') : null,
    own ? b('Delete', () => {
      if (confirm('Delete this message for everyone?')) {
        command(client.remove(m.room, m.msgId), 'Deleting');
      }
    }, 'action-delete') : null);
}

/** Renders a stored message of the open room once, in seq order. */
function renderMessage(m, { prepend = false } = {}) {
  if (m.room !== ui.current || ui.bySeq.has(m.seq)) {
    return;
  }
  ui.messages.set(m.msgId, m);
  const list = $('#message-list');
  const pendingLi = m.clientMsgId ? list.querySelector(`li[data-client-msg-id="${cssEscape(m.clientMsgId)}"]`) : null;
  if (pendingLi && !pendingLi.dataset.seq) {
    pendingLi.remove();
  }
  const li = messageNode(m);
  ui.bySeq.set(m.seq, li);
  applyReceipt(li, m);
  if (prepend) {
    list.insertBefore(li, list.firstChild);
    return;
  }
  // after the last stored message with a smaller seq, before any pending one
  let anchor = null;
  for (let n = list.lastElementChild; n; n = n.previousElementSibling) {
    if (n.dataset.seq && Number(n.dataset.seq) < m.seq) {
      anchor = n;
      break;
    }
  }
  if (anchor) {
    anchor.after(li);
  } else {
    list.insertBefore(li, list.firstChild);
  }
}

function renderPending(entry) {
  if (entry.room !== ui.current) {
    return;
  }
  const list = $('#message-list');
  const existing = list.querySelector(`li[data-client-msg-id="${cssEscape(entry.clientMsgId)}"]`);
  if (existing && existing.dataset.seq) {
    return; // already stored and shown
  }
  const li = messageNode({ ...entry, sender: client.userId }, { pending: true });
  if (existing) {
    existing.replaceWith(li);
  } else {
    list.append(li);
  }
}

function onMessage({ room, message, own }) {
  let r = ui.rooms.get(room);
  if (!r) {
    // keep the placeholder in the list so its unread count survives until the room's details arrive
    r = { id: room, unread: 0 };
    ui.rooms.set(room, r);
    refreshRoom(room);
  }
  r.lastMessage = message;
  if (room === ui.current) {
    const stick = own || nearBottom();
    if (/No messages yet/.test($('#history-top').textContent)) {
      $('#history-top').textContent = 'Beginning of the conversation';
    }
    renderMessage(message);
    renderThreadReply(message);
    if (stick) {
      scrollToBottom();
    }
    if (!own) {
      clearTyping(room, message.sender);
      scheduleRead();
    }
  } else if (!own) {
    r.unread = (r.unread || 0) + 1;
  }
  renderRooms();
}

function onOutbox({ action, entry }) {
  if (entry.room !== ui.current) {
    return;
  }
  const li = $('#message-list').querySelector(`li[data-client-msg-id="${cssEscape(entry.clientMsgId)}"]`);
  if (action === 'discarded') {
    if (li && !li.dataset.seq) {
      li.remove();
    }
    return;
  }
  if (action === 'sent') {
    return; // the `message` event that follows shows it stored
  }
  const stored = li && li.dataset.seq;
  if (!stored) {
    renderPending({ ...entry, state: action === 'failed' ? 'failed' : action === 'sending' ? 'sending' : 'queued',
      error: entry.error });
    if (action === 'queued') {
      scrollToBottom();
    }
  }
}

function updateMessage(room, msgId, patch) {
  const r = ui.rooms.get(room);
  if (r?.lastMessage?.msgId === msgId) {
    r.lastMessage = { ...r.lastMessage, ...patch };
    renderRooms();
  }
  if (room !== ui.current) {
    return;
  }
  const m = ui.messages.get(msgId);
  if (!m) {
    return;
  }
  Object.assign(m, patch);
  for (const li of messageNodes(msgId)) {
    li.classList.toggle('deleted', !!m.deleted);
    fillMessage(li, m, false);
    applyReceipt(li, m);
  }
}

/** The nodes showing one message: in the conversation and in the open thread panel. */
function messageNodes(msgId) {
  return document.querySelectorAll(`#message-list > li[data-msg-id="${cssEscape(msgId)}"], #thread-list > li[data-msg-id="${cssEscape(msgId)}"]`);
}

function onReaction(e) {
  const m = ui.messages.get(e.msgId);
  if (!m || e.room !== ui.current) {
    return;
  }
  const reactions = { ...(Array.isArray(m.reactions) ? {} : m.reactions || {}) };
  if (e.users?.length) {
    reactions[e.emoji] = e.users;
  } else {
    delete reactions[e.emoji];
  }
  updateMessage(e.room, e.msgId, { reactions });
}

// ------------------------------------------------------------------ typing, receipts

function onTyping({ room, user, state }) {
  const key = room + '|' + user;
  clearTimeout(ui.typing.get(key));
  if (state === 'start') {
    // the server ends a typing state after 6 s; the same here if the stop is lost
    ui.typing.set(key, setTimeout(() => clearTyping(room, user), 6500));
  } else {
    ui.typing.delete(key);
  }
  renderTyping();
}

function clearTyping(room, user) {
  const key = room + '|' + user;
  clearTimeout(ui.typing.get(key));
  if (ui.typing.delete(key)) {
    renderTyping();
  }
}

function renderTyping() {
  const names = [...ui.typing.keys()].filter((k) => k.startsWith(ui.current + '|')).map((k) => displayName(k.split('|')[1]));
  $('#typing').textContent = names.length ? names.join(', ') + (names.length === 1 ? ' is typing…' : ' are typing…') : '';
}

/**
 * `receipt {room, user, delivered?, read?}`: another member's pointers move the ticks of my messages; my own
 * (from this or another device) move the room's unread count.
 */
function onReceipt({ room, user, delivered, read }) {
  if (user === client.userId) {
    const r = ui.rooms.get(room);
    if (typeof read === 'number' && r) {
      r.unread = room === ui.current ? 0 : Math.max(0, client.lastSeq(room) - read);
      renderRooms();
    }
    return;
  }
  const byUser = ui.receipts.get(room) || new Map();
  const p = byUser.get(user) || { delivered: 0, read: 0 };
  p.read = Math.max(p.read, read || 0);
  p.delivered = Math.max(p.delivered, delivered || 0, p.read); // read implies delivered
  byUser.set(user, p);
  ui.receipts.set(room, byUser);
  if (room === ui.current) {
    for (const li of ui.bySeq.values()) {
      applyReceipt(li, ui.messages.get(li.dataset.msgId));
    }
  }
}

/**
 * The tick of one of my messages: `read` when every other member has read it, `delivered` when every other
 * member's device has it (channels and rooms over 50 members: any other member), else `sent`. Pointers are
 * only known from `receipt` events heard since this page loaded: the room details carry none (see the doc).
 */
function receiptStatus(m) {
  const byUser = ui.receipts.get(m.room);
  if (!byUser || !byUser.size) {
    return 'sent';
  }
  const room = ui.rooms.get(m.room);
  const others = (room?.members || []).map((x) => x.userId).filter((u) => u !== client.userId);
  const any = !others.length || room.kind === 'channel' || others.length > 50;
  const pointers = any ? [...byUser.values()] : others.map((u) => byUser.get(u) || { delivered: 0, read: 0 });
  const reached = (key) => (any ? pointers.some((x) => x[key] >= m.seq) : pointers.every((x) => x[key] >= m.seq));
  return reached('read') ? 'read' : reached('delivered') ? 'delivered' : 'sent';
}

function applyReceipt(li, m) {
  if (!m || m.sender !== client.userId || !li.dataset.seq) {
    return;
  }
  const status = receiptStatus(m);
  li.dataset.status = status;
  const tick = li.querySelector('.tick');
  if (tick) {
    tick.textContent = tickText(status);
    tick.setAttribute('aria-label', status);
    tick.title = status;
    tick.classList.toggle('read', status === 'read');
  }
}

/** A read receipt for the open room while the page is visible, 800 ms after the last reason to send one. */
function scheduleRead() {
  if (!ui.current || document.visibilityState === 'hidden' || ui.readTimer) {
    return;
  }
  ui.readTimer = setTimeout(async () => {
    ui.readTimer = null;
    const room = ui.current;
    const seq = client.lastSeq(room);
    if (!room || !seq || seq <= (ui.lastRead.get(room) || 0)) {
      return;
    }
    try {
      await client.markRead(room, seq);
      ui.lastRead.set(room, Math.max(ui.lastRead.get(room) || 0, seq));
    } catch {
      // tried again when the next message arrives or the client is back online
    }
  }, 800);
}

// ------------------------------------------------------------------ composer, reply, edit, thread

function wireApp() {
  $('#composer').addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitComposer();
  });
  const text = $('#composer-text');
  text.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      submitComposer();
    } else if (ev.key === 'Escape') {
      setContext(null);
    }
  });
  text.addEventListener('input', () => {
    if (ui.current && text.value.trim() && ui.context?.mode !== 'edit') {
      client.typing(ui.current);
    }
  });
  $('#compose-context-cancel').addEventListener('click', () => setContext(null));
  $('#messages').addEventListener('scroll', () => {
    if ($('#messages').scrollTop < 80) {
      loadOlder();
    }
  });
  $('#back').addEventListener('click', () => {
    document.body.classList.remove('show-conversation');
  });
  $('#logout').addEventListener('click', async () => {
    await client.logout();
    ui.rooms.clear();
    ui.current = null;
    clear($('#message-list'));
    history.replaceState(null, '', location.pathname + location.search);
  });
  $('#my-status').addEventListener('change', (ev) => command(client.setPresence(ev.target.value), 'Status'));
  $('#nav-rooms').addEventListener('click', showRooms);
  $('#nav-staff').addEventListener('click', showStaff);
  $('#staff-refresh').addEventListener('click', loadSupportRooms);
  $('#open-support').addEventListener('click', openSupport);
  $('#conv-close').addEventListener('click', closeSupport);
  $('#thread-close').addEventListener('click', closeThread);
  wireNewRoom();
  wireSearch();
  wireSettings();
  $('#conv-pins').addEventListener('click', showPins);
}

function submitComposer() {
  const box = $('#composer-text');
  const text = box.value.trim();
  if (!text || !ui.current) {
    return;
  }
  const ctx = ui.context;
  if (ctx?.mode === 'edit') {
    command(client.edit(ctx.message.room, ctx.message.msgId, text), 'Editing');
  } else {
    client.send(ui.current, text, {
      replyTo: ctx?.mode === 'reply' ? ctx.message.msgId : undefined,
      threadRoot: ctx?.mode === 'thread' ? ctx.message.msgId : undefined,
    }).catch(() => {});
  }
  box.value = '';
  if (ctx?.mode !== 'thread') {
    setContext(null);
  }
  scrollToBottom();
}

function setContext(ctx) {
  ui.context = ctx;
  const box = $('#compose-context');
  if (!ctx) {
    show(box, false);
    return;
  }
  const who = displayName(ctx.message.sender);
  const label = { reply: 'Replying to ' + who + ': ', thread: 'Replying in the thread of ' + who + ': ', edit: 'Editing: ' }[ctx.mode];
  $('#compose-context-text').textContent = label + (ctx.message.text || '').slice(0, 80);
  show(box);
  if (ctx.mode === 'edit') {
    $('#composer-text').value = ctx.message.text || '';
  }
  $('#composer-text').focus();
}

async function openThread(rootId) {
  const root = ui.messages.get(rootId);
  const list = clear($('#thread-list'));
  $('#thread-note').textContent = '';
  ui.threadRoot = rootId;
  show($('#thread'));
  $('#conversation').classList.add('thread-open');
  if (root) {
    setContext({ mode: 'thread', message: root });
  }
  const local = [root, ...[...ui.messages.values()].filter((m) => m.threadRoot === rootId)].filter(Boolean);
  local.forEach((m) => list.append(messageNode(m)));
  try {
    const room = ui.current;
    const page = await client.thread(room, rootId);
    if (ui.threadRoot !== rootId || ui.current !== room) {
      return;
    }
    const head = page.root || root;
    if (head && !root) {
      ui.messages.set(head.msgId, head);
      setContext({ mode: 'thread', message: head });
    }
    clear(list);
    [head, ...(page.items || [])].filter(Boolean).forEach((m) => list.append(messageNode(ui.messages.get(m.msgId) || m)));
    if (page.next) {
      $('#thread-note').textContent = 'Older replies are in the conversation.';
    }
  } catch (e) {
    $('#thread-note').textContent = 'Cannot load the thread: ' + e.message;
  }
}

/** A reply that arrives while its thread is open shows in the panel too. */
function renderThreadReply(m) {
  if (!ui.threadRoot || m.threadRoot !== ui.threadRoot || m.room !== ui.current) {
    return;
  }
  const list = $('#thread-list');
  if (!list.querySelector(`li[data-msg-id="${cssEscape(m.msgId)}"]`)) {
    list.append(messageNode(m));
  }
}

function closeThread() {
  ui.threadRoot = null;
  show($('#thread'), false);
  $('#conversation').classList.remove('thread-open');
  if (ui.context?.mode === 'thread') {
    setContext(null);
  }
}

/** Runs a command or REST call; a failure becomes a toast and null (a 204 answers true). */
async function command(promise, what) {
  try {
    return (await promise) ?? true;
  } catch (e) {
    if (e.code === 'unknown_type' || e.status === 404 || e.status === 405) {
      toast(what + ' is not available on this server.');
    } else {
      toast(what + ' failed: ' + (e.message || e.code));
    }
    return null;
  }
}

// ------------------------------------------------------------------ new room, channels

function wireNewRoom() {
  const dialog = $('#new-room-dialog');
  const form = $('#new-room-form');
  const chosen = new Map();
  let searchTimer;
  const renderChosen = () => {
    clear($('#chosen'));
    for (const [id, name] of chosen) {
      $('#chosen').append(el('li', { class: 'chip' }, name,
        el('button', { type: 'button', class: 'link', 'aria-label': 'Remove ' + name, on: { click: () => {
          chosen.delete(id);
          renderChosen();
        } } }, '✕')));
    }
  };
  const syncKind = () => show($('#new-room-name-label'), form.kind.value !== 'direct');
  form.kind.addEventListener('change', syncKind);
  $('#new-room').addEventListener('click', () => {
    form.reset();
    chosen.clear();
    renderChosen();
    clear($('#user-results'));
    $('#new-room-error').textContent = '';
    syncKind();
    dialog.showModal();
    loadChannels();
  });
  $('#new-room-cancel').addEventListener('click', () => dialog.close());
  form.who.addEventListener('input', () => {
    clearTimeout(searchTimer);
    const q = form.who.value.trim().toLowerCase();
    searchTimer = setTimeout(async () => {
      const results = clear($('#user-results'));
      if (!q) {
        return;
      }
      try {
        const page = await client.findUsers(q);
        for (const u of page.items || []) {
          if (u.userId === client.userId) {
            continue;
          }
          const name = u.displayName ? `${u.displayName} (${u.username})` : u.username;
          results.append(el('li', {}, el('button', { type: 'button', class: 'link', 'data-testid': 'user-result', dataset: { username: u.username },
            on: { click: () => {
              ui.names.set(u.userId, u.displayName || u.username);
              if (form.kind.value === 'direct') {
                chosen.clear();
              }
              chosen.set(u.userId, u.username);
              renderChosen();
              clear(results);
              form.who.value = '';
            } } }, name)));
        }
        if (!results.firstChild) {
          results.append(el('li', { class: 'muted' }, 'Nobody found'));
        }
      } catch (e) {
        results.append(el('li', { class: 'error' }, e.message));
      }
    }, 250);
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const kind = form.kind.value;
    try {
      const room = await client.createRoom({ kind, name: kind === 'direct' ? undefined : form.name.value.trim(), members: [...chosen.keys()] });
      addRoom(room);
      dialog.close();
      openRoom(room.id);
    } catch (e) {
      $('#new-room-error').textContent = e.message;
    }
  });
  $('#join-channel').addEventListener('click', () => joinChannel(form.channel.value.trim()));
  $('#channel-more').addEventListener('click', () => loadChannels(channelCursor));
}

let channelCursor = null;

/** Open channels anyone may join (`GET /api/rooms?discover=channels`), with Join or Open. */
async function loadChannels(cursor) {
  const list = $('#channel-list');
  if (!cursor) {
    clear(list);
  }
  $('#channel-note').textContent = 'Loading channels…';
  try {
    const page = await client.discoverChannels(cursor || undefined);
    for (const c of page.items || []) {
      const joined = c.joined || ui.rooms.has(c.id);
      list.append(el('li', { 'data-testid': 'channel', dataset: { roomId: c.id, joined: String(joined) } },
        el('span', {}, c.name || 'channel', el('span', { class: 'muted' }, ' · ' + c.memberCount + ' member' + (c.memberCount === 1 ? '' : 's'))),
        el('button', { type: 'button', class: 'link', 'data-testid': 'channel-join', on: { click: () => joinChannel(c.id, joined) } },
          joined ? 'Open' : 'Join')));
    }
    channelCursor = page.next || null;
    show($('#channel-more'), !!channelCursor);
    $('#channel-note').textContent = list.firstChild ? '' : 'No channels yet.';
  } catch (e) {
    $('#channel-note').textContent = 'Cannot list channels: ' + e.message;
  }
}

async function joinChannel(id, joined = false) {
  if (!id) {
    return;
  }
  try {
    if (!joined) {
      addRoom(await client.joinChannel(id));
    }
    $('#new-room-dialog').close();
    openRoom(id);
  } catch (e) {
    $('#new-room-error').textContent = e.status === 404 ? 'There is no such channel.' : 'Cannot join: ' + e.message;
  }
}

// ------------------------------------------------------------------ support

async function openSupport() {
  const mine = [...ui.rooms.values()].find((r) => r.kind === 'support' && (r.status || 'open') === 'open'
    && r.members?.some((m) => m.userId === client.userId && m.role === 'owner'));
  if (mine) {
    openRoom(mine.id);
    return;
  }
  try {
    const room = addRoom(await client.createRoom({ kind: 'support' }));
    renderRooms();
    openRoom(room.id);
  } catch (e) {
    if (e.code === 'conflict') {
      await loadRooms();
      const again = [...ui.rooms.values()].find((r) => r.kind === 'support' && (r.status || 'open') === 'open');
      if (again) {
        openRoom(again.id);
        return;
      }
    }
    toast('Cannot open support: ' + e.message);
  }
}

function showRooms() {
  $('#nav-rooms').classList.add('active');
  $('#nav-staff').classList.remove('active');
  show($('#rooms'));
  show($('#staff'), false);
}

function showStaff() {
  $('#nav-staff').classList.add('active');
  $('#nav-rooms').classList.remove('active');
  show($('#rooms'), false);
  show($('#staff'));
  history.replaceState(null, '', '#/staff');
  loadSupportRooms();
}

async function loadSupportRooms() {
  const list = clear($('#support-rooms'));
  $('#staff-note').textContent = '';
  try {
    const page = await client.supportRooms('open');
    for (const r of page.items || []) {
      addRoom(r);
      list.append(el('li', { class: 'room', dataset: { roomId: r.id } },
        el('button', { type: 'button', class: 'room-button', 'data-testid': 'support-room', on: { click: () => openRoom(r.id) } },
          el('span', { class: 'room-main' },
            el('span', { class: 'room-name' }, roomTitle(r)),
            el('span', { class: 'room-last' }, r.lastMessage?.text || 'No messages yet')))));
    }
    if (!list.firstChild) {
      $('#staff-note').textContent = 'No open support conversations.';
    }
  } catch (e) {
    $('#staff-note').textContent = 'Cannot load the support queue: ' + e.message;
  }
}

async function closeSupport() {
  const id = ui.current;
  if (!id || !confirm('Close this support conversation?')) {
    return;
  }
  const done = await command(client.closeSupport(id), 'Closing support conversations');
  if (done !== null) {
    await refreshRoom(id);
    loadSupportRooms();
  }
}

// ------------------------------------------------------------------ search, pins, settings

function wireSearch() {
  const dialog = $('#search-dialog');
  const form = $('#search-form');
  $('#conv-search').addEventListener('click', () => {
    clear($('#search-results'));
    $('#search-note').textContent = '';
    dialog.showModal();
  });
  $('#search-cancel').addEventListener('click', () => dialog.close());
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const list = clear($('#search-results'));
    $('#search-note').textContent = 'Searching…';
    try {
      const page = await client.search(form.q.value.trim(), { room: form.here.checked ? ui.current : undefined });
      for (const m of page.items || []) {
        list.append(el('li', { 'data-testid': 'search-result', dataset: { room: m.room, msgId: m.msgId } }, el('button', { type: 'button', class: 'link', on: { click: () => {
          dialog.close();
          if (m.room !== ui.current) {
            openRoom(m.room);
          } else {
            ui.bySeq.get(m.seq)?.scrollIntoView({ block: 'center' });
          }
        } } }, el('strong', {}, roomTitle(ui.rooms.get(m.room)) + ' · ' + displayName(m.sender) + ': '), m.text || '')));
      }
      $('#search-note').textContent = list.firstChild ? '' : 'No results.';
    } catch (e) {
      $('#search-note').textContent = 'Search failed: ' + e.message;
    }
  });
}

async function showPins() {
  if (!ui.current) {
    return;
  }
  const list = clear($('#pins-list'));
  $('#pins-note').textContent = 'Loading…';
  $('#pins-dialog').showModal();
  try {
    const page = await client.pins(ui.current);
    for (const p of page.items || []) {
      const m = p.message || p;
      list.append(el('li', { 'data-testid': 'pin', dataset: { msgId: m.msgId } },
        el('strong', {}, displayName(m.sender) + ': '), m.deleted ? 'Message deleted' : m.text || '',
        el('span', { class: 'muted' }, ' · pinned by ' + displayName(p.pinnedBy) + ' ' + time(p.pinnedAt)),
        ' ', el('button', { type: 'button', class: 'link', on: { click: async () => {
          if (await command(client.unpin(ui.current, m.msgId), 'Unpinning') !== null) {
            showPins();
          }
        } } }, 'Unpin')));
    }
    $('#pins-note').textContent = list.firstChild ? '' : 'Nothing pinned.';
  } catch (e) {
    $('#pins-note').textContent = 'Cannot load the pins: ' + e.message;
  }
}

function wireSettings() {
  const dialog = $('#settings-dialog');
  const form = $('#settings-form');
  let current = null;
  $('#conv-settings').addEventListener('click', async () => {
    $('#settings-note').textContent = 'Loading…';
    form.dataset.state = 'loading';
    dialog.showModal();
    try {
      current = null;
      current = await client.notificationSettings();
      form.level.value = current.level || '';
      form.roomLevel.value = current.rooms?.[ui.current]?.level || '';
      form.readReceipts.checked = current.readReceipts !== false;
      form.emailDigest.checked = !!current.emailDigest;
      form.dndUntil.value = current.dndUntil ? toLocalInput(current.dndUntil) : '';
      $('#settings-note').textContent = '';
      form.dataset.state = 'ready';
    } catch (e) {
      $('#settings-note').textContent = 'Cannot load settings: ' + e.message;
      form.dataset.state = 'error';
    }
  });
  $('#settings-cancel').addEventListener('click', () => dialog.close());
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!current) {
      $('#settings-note').textContent = 'The settings are not loaded: nothing saved (a save replaces them all).';
      return;
    }
    const rooms = { ...(current.rooms || {}) };
    if (ui.current) {
      if (form.roomLevel.value) {
        rooms[ui.current] = { ...(rooms[ui.current] || {}), level: form.roomLevel.value };
      } else if (rooms[ui.current]) {
        const { level, ...rest } = rooms[ui.current];
        if (Object.keys(rest).length) {
          rooms[ui.current] = rest;
        } else {
          delete rooms[ui.current];
        }
      }
    }
    const body = { ...(current || {}), readReceipts: form.readReceipts.checked, emailDigest: form.emailDigest.checked, rooms };
    // a PUT replaces the settings: what the form clears is left out
    delete body.level;
    delete body.dndUntil;
    if (form.level.value) {
      body.level = form.level.value;
    }
    if (form.dndUntil.value) {
      body.dndUntil = new Date(form.dndUntil.value).toISOString();
    }
    const receiptsChanged = (current?.readReceipts !== false) !== form.readReceipts.checked;
    try {
      current = await client.saveNotificationSettings(body);
    } catch (e) {
      $('#settings-note').textContent = 'Not saved: ' + e.message;
      return;
    }
    if (receiptsChanged) {
      // message-service decides who sees my read pointer; notification-service only stores the preference
      try {
        await client.setReceiptPrivacy(!form.readReceipts.checked);
      } catch (e) {
        $('#settings-note').textContent = 'Saved, but hiding read receipts failed: ' + e.message;
        return;
      }
    }
    dialog.close();
    toast('Notification settings saved.');
  });
}

function toLocalInput(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// ------------------------------------------------------------------ misc

let toastTimer;
function toast(text) {
  let t = $('#toast');
  if (!t) {
    t = el('div', { id: 'toast', class: 'toast', role: 'status', 'data-testid': 'toast' });
    document.body.append(t);
  }
  t.textContent = text;
  show(t);
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => show(t, false), 4000);
}

function cssEscape(s) {
  return globalThis.CSS?.escape ? CSS.escape(s) : String(s).replace(/["\\]/g, '\\$&');
}

// for debugging from the console and for tests: the client and the UI state, never the tokens' storage format
globalThis.chatApp = { client, ui };
