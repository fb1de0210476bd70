// Chat client library for protocol v1 (docs/web-client.md is its reference).
// Plain ES module, no dependencies: REST over fetch, the WebSocket with the browser subprotocol
// token carrier, reconnect with exponential back-off and full jitter, resume with `sync`, duplicate
// suppression by (room, seq), a persisted offline outbox flushed idempotently by clientMsgId, the REST
// send fallback, and access-token refresh before expiry. The UI only listens to typed events.

import { Outbox } from './outbox.js';

export const State = Object.freeze({
  IDLE: 'idle', // not started (no session)
  CONNECTING: 'connecting', // opening the socket or waiting for the next attempt
  RESYNCING: 'resyncing', // socket open, catching up with `sync` and flushing the outbox
  ONLINE: 'online', // caught up, live events flowing
  OFFLINE: 'offline', // the browser reports no network; waits for it to come back
  CLOSED: 'closed', // stopped (logout, session ended)
});

/** A failure with the contract's error code (`bad_request`, `rate_limited`, ...) or `network`. */
export class ChatError extends Error {
  constructor(code, message, extra = {}) {
    super(message || code);
    this.name = 'ChatError';
    this.code = code;
    this.status = extra.status ?? null;
    this.retryable = extra.retryable ?? ['network', 'unavailable', 'internal', 'rate_limited', 'timeout', 'disconnected'].includes(code);
    this.retryAfterMs = extra.retryAfterMs ?? null;
    this.details = extra.details ?? null;
  }
}

const SESSION_KEY = 'chat.session.v1';
const SUBPROTOCOL = 'chat.v1';

export class ChatClient {
  /**
   * @param {object} [o]
   * @param {string} [o.baseUrl] the gateway origin (default: the page's origin)
   * @param {Storage} [o.sessionStorage] where tokens live (default sessionStorage: survives a reload, not the tab)
   * @param {Storage} [o.outboxStorage] where the outbox lives (default localStorage)
   */
  constructor(o = {}) {
    const g = globalThis;
    this.baseUrl = (o.baseUrl ?? g.location?.origin ?? '').replace(/\/$/, '');
    this.wsUrl = o.wsUrl ?? this.baseUrl.replace(/^http/, 'ws') + '/ws';
    this.tokenStorage = o.sessionStorage === undefined ? g.sessionStorage ?? null : o.sessionStorage;
    this.outboxStorage = o.outboxStorage === undefined ? g.localStorage ?? null : o.outboxStorage;
    this.WebSocketImpl = o.WebSocket ?? g.WebSocket;
    this.fetchImpl = o.fetch ?? g.fetch.bind(g);
    this.backoff = { initialMs: 500, maxMs: 30_000, ...(o.backoff || {}) };
    this.commandTimeoutMs = o.commandTimeoutMs ?? 15_000;
    this.restFallbackAfter = o.restFallbackAfter ?? 2; // failed connection attempts before sends go over REST
    this.refreshMarginMs = o.refreshMarginMs ?? 60_000;

    this.listeners = new Map();
    this.session = null;
    this.state = State.IDLE;
    this.ws = null;
    this.hello = null;
    this.attempt = 0;
    this.failedAttempts = 0;
    this.commandSeq = 0;
    this.inflight = new Map(); // command id -> {resolve, reject, timer}
    this.rooms = new Map(); // room id -> {lastSeq, early: Map<seq, msg>}
    this.outbox = null;
    this.flushing = false;
    this.flushTimer = null;
    this.reconnectTimer = null;
    this.refreshTimer = null;
    this.heartbeatTimer = null;
    this.refreshing = null;
    this.gapSync = new Set();
    this.gapTimer = null;
    this.typingState = new Map(); // room -> {since, stopTimer}
    this.networkUp = g.navigator ? g.navigator.onLine !== false : true;
    this.started = false;

    if (g.addEventListener) {
      g.addEventListener('online', () => this.setNetwork(true));
      g.addEventListener('offline', () => this.setNetwork(false));
    }
  }

  // ---------------------------------------------------------------- events

  /** Subscribes to a typed event; returns the unsubscribe function. `*` receives every event. */
  on(type, fn) {
    if (!this.listeners.has(type)) {
      this.listeners.set(type, new Set());
    }
    this.listeners.get(type).add(fn);
    return () => this.listeners.get(type)?.delete(fn);
  }

  emit(type, detail) {
    for (const key of [type, '*']) {
      for (const fn of this.listeners.get(key) || []) {
        try {
          fn(detail, type);
        } catch (e) {
          console.error('chat listener failed', type, e);
        }
      }
    }
  }

  setState(state) {
    if (this.state !== state) {
      this.state = state;
    }
    this.emit('state', { state, queued: this.outbox ? this.outbox.size : 0, attempt: this.attempt });
  }

  // ---------------------------------------------------------------- session

  /** Restores a session saved in this tab (after a reload); false when there is none. */
  restore() {
    try {
      const raw = this.tokenStorage?.getItem(SESSION_KEY);
      if (!raw) {
        return false;
      }
      const s = JSON.parse(raw);
      if (!s.refreshToken || !s.userId) {
        return false;
      }
      this.adopt(s);
      return true;
    } catch {
      return false;
    }
  }

  async register({ username, password, displayName, email }) {
    return this.api('POST', '/api/auth/register', { username, password, displayName, email }, { auth: false });
  }

  async login(username, password) {
    const pair = await this.api('POST', '/api/auth/login', { username, password }, { auth: false });
    this.adopt(fromPair(pair));
    return this.session;
  }

  /** Ends the session on the server (revokes the refresh family) and forgets it here. */
  async logout() {
    try {
      if (this.session) {
        await this.api('POST', '/api/auth/logout', {}, { retry401: false });
      }
    } catch {
      // the local session ends whatever the server said
    }
    this.end('logout');
  }

  adopt(s) {
    const claims = decodeJwt(s.accessToken) || {};
    this.session = {
      accessToken: s.accessToken,
      refreshToken: s.refreshToken,
      userId: s.userId || claims.sub,
      expiresAt: s.expiresAt || (claims.exp ? claims.exp * 1000 : Date.now() + 60_000),
      username: claims.preferred_username || s.username || null,
      groups: Array.isArray(claims.groups) ? claims.groups : [],
    };
    this.saveSession();
    if (!this.outbox || this.outbox.key !== 'chat.outbox.v1.' + this.session.userId) {
      this.outbox = new Outbox(this.outboxStorage, this.session.userId);
    }
    this.scheduleRefresh();
    this.emit('session', { userId: this.session.userId, username: this.session.username, groups: this.session.groups });
  }

  saveSession() {
    try {
      this.tokenStorage?.setItem(SESSION_KEY, JSON.stringify(this.session));
    } catch {
      // no storage: the session lasts as long as the page
    }
  }

  get userId() {
    return this.session?.userId ?? null;
  }

  isStaff() {
    return !!this.session && this.session.groups.some((g) => g === 'staff' || g === 'admin');
  }

  scheduleRefresh() {
    clearTimeout(this.refreshTimer);
    if (!this.session) {
      return;
    }
    const ttl = this.session.expiresAt - Date.now();
    // refresh a margin before expiry (at most a third of the lifetime), never sooner than in 5 s
    const wait = Math.max(5_000, ttl - Math.min(this.refreshMarginMs, ttl / 3));
    this.refreshTimer = setTimeout(() => this.refresh().catch(() => {}), wait);
  }

  /**
   * Exchanges the refresh token for a new pair (one request at a time: a refresh token works once),
   * then hands the new access token to the open socket with `auth.refresh`.
   */
  refresh() {
    if (this.refreshing) {
      return this.refreshing;
    }
    if (!this.session) {
      return Promise.reject(new ChatError('unauthorized', 'not logged in'));
    }
    this.refreshing = (async () => {
      try {
        const pair = await this.api('POST', '/api/auth/refresh', { refreshToken: this.session.refreshToken },
          { auth: false });
        this.adopt({ ...fromPair(pair), username: this.session?.username });
        if (this.ws && this.ws.readyState === 1 && this.hello) {
          await this.command({ type: 'auth.refresh', accessToken: this.session.accessToken }).catch(() => {
            // the socket will be closed with 4001 and reconnect with the new token
          });
        }
        return this.session;
      } catch (e) {
        if (e.code === 'unauthorized' || e.status === 401 || e.status === 400) {
          this.end('expired');
        } else {
          this.refreshTimer = setTimeout(() => this.refresh().catch(() => {}), 10_000);
        }
        throw e;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  async freshToken() {
    if (this.session && this.session.expiresAt - Date.now() < 30_000) {
      await this.refresh();
    }
    return this.session?.accessToken;
  }

  end(reason) {
    this.stop();
    clearTimeout(this.refreshTimer);
    this.session = null;
    try {
      this.tokenStorage?.removeItem(SESSION_KEY);
    } catch {
      // ignore
    }
    this.setState(State.CLOSED);
    this.emit('session.ended', { reason });
  }

  // ---------------------------------------------------------------- REST

  /** One REST call through the gateway; answers the parsed body or throws a ChatError. */
  async api(method, path, body, { auth = true, retry401 = true } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined && body !== null) {
      headers['Content-Type'] = 'application/json';
    }
    if (auth) {
      const token = await this.freshToken();
      if (!token) {
        throw new ChatError('unauthorized', 'not logged in', { status: 401 });
      }
      headers.Authorization = 'Bearer ' + token;
    }
    let res;
    try {
      res = await this.fetchImpl(this.baseUrl + path, {
        method, headers, body: body === undefined || body === null ? undefined : JSON.stringify(body),
        credentials: 'omit', cache: 'no-store',
      });
    } catch (e) {
      throw new ChatError('network', 'the server cannot be reached', { retryable: true });
    }
    if (res.status === 401 && auth && retry401 && this.session) {
      await this.refresh();
      return this.api(method, path, body, { auth, retry401: false });
    }
    const text = res.status === 204 ? '' : await res.text();
    let json = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    }
    if (!res.ok) {
      const retryAfter = res.headers.get('Retry-After');
      throw new ChatError(json?.code || statusCode(res.status), json?.message || res.statusText, {
        status: res.status, retryable: json?.retryable, details: json?.details,
        retryAfterMs: json?.retryAfterMs ?? (retryAfter ? Number(retryAfter) * 1000 : null),
      });
    }
    return json;
  }

  // Rooms and messages (message-service)
  listRooms(cursor) {
    return this.api('GET', '/api/rooms' + qs({ cursor, limit: 50 }));
  }

  getRoom(id) {
    return this.api('GET', '/api/rooms/' + enc(id));
  }

  /** kind: direct | group | channel | support; members are user ids. */
  async createRoom({ kind, name, members = [] }) {
    const room = await this.api('POST', '/api/rooms', { kind, name, members });
    this.track(room.id, room.lastSeq ?? 0);
    return room;
  }

  /** Older messages (ascending) before `before` (a seq), or the newest ones when omitted. */
  async history(room, { before, after, limit = 30, cursor } = {}) {
    const page = await this.api('GET', '/api/rooms/' + enc(room) + '/messages' + qs({ before, after, limit, cursor }));
    const items = page.items || [];
    if (before === undefined && after === undefined && !cursor) {
      // the newest page: everything up to its last seq is known from now on
      const last = items.length ? items[items.length - 1].seq : 0;
      const st = this.track(room, 0);
      if (last > st.lastSeq) {
        st.lastSeq = last;
        this.drainEarly(room, st);
      }
    }
    return page;
  }

  /** Open channels anyone may join, newest first: `{items:[{id, name, createdAt, memberCount, joined}], next?}`. */
  discoverChannels(cursor) {
    return this.api('GET', '/api/rooms' + qs({ discover: 'channels', cursor, limit: 50 }));
  }

  /** Joins a channel (adding yourself is how a channel is joined). */
  joinChannel(room) {
    return this.api('POST', '/api/rooms/' + enc(room) + '/members', { userId: this.userId });
  }

  addMember(room, userId) {
    return this.api('POST', '/api/rooms/' + enc(room) + '/members', { userId });
  }

  closeSupport(room) {
    return this.api('POST', '/api/rooms/' + enc(room) + '/close', {});
  }

  supportRooms(status = 'open', cursor) {
    return this.api('GET', '/api/support/rooms' + qs({ status, cursor }));
  }

  /** `{items:[{message, pinnedBy, pinnedAt}]}` */
  pins(room) {
    return this.api('GET', '/api/rooms/' + enc(room) + '/pins');
  }

  pin(room, msgId) {
    return this.api('POST', '/api/rooms/' + enc(room) + '/pins/' + enc(msgId));
  }

  unpin(room, msgId) {
    return this.api('DELETE', '/api/rooms/' + enc(room) + '/pins/' + enc(msgId));
  }

  /** `{root, items:[replies by seq], next?}` */
  thread(room, msgId, cursor) {
    return this.api('GET', '/api/rooms/' + enc(room) + '/messages/' + enc(msgId) + '/thread' + qs({ cursor }));
  }

  search(q, { room, cursor, limit = 20 } = {}) {
    return this.api('GET', '/api/search' + qs({ q, room, cursor, limit }));
  }

  /** Whether this user's read pointer is hidden from the other members (message-service keeps it). */
  receiptPrivacy() {
    return this.api('GET', '/api/rooms/receipt-privacy');
  }

  setReceiptPrivacy(readReceiptsPrivate) {
    return this.api('PUT', '/api/rooms/receipt-privacy', { readReceiptsPrivate: !!readReceiptsPrivate });
  }

  // Users, presence, notifications (auth-, presence-, notification-service)
  me() {
    return this.api('GET', '/api/users/me');
  }

  findUsers(q, cursor) {
    return this.api('GET', '/api/users' + qs({ q, cursor, limit: 10 }));
  }

  presenceOf(userIds) {
    return this.api('GET', '/api/presence' + qs({ users: userIds.join(',') }));
  }

  notifications(cursor) {
    return this.api('GET', '/api/notifications' + qs({ cursor }));
  }

  notificationSettings() {
    return this.api('GET', '/api/notification-settings');
  }

  saveNotificationSettings(settings) {
    return this.api('PUT', '/api/notification-settings', settings);
  }

  // ---------------------------------------------------------------- WebSocket

  /** Starts the connection (and keeps it: reconnects until stop()/logout). */
  start() {
    if (!this.session) {
      throw new ChatError('unauthorized', 'log in first');
    }
    this.started = true;
    this.connect();
    this.scheduleFlush(0);
  }

  stop() {
    this.started = false;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.flushTimer);
    clearInterval(this.heartbeatTimer);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      detach(ws);
      try {
        ws.close(1000, 'bye');
      } catch {
        // already closed
      }
    }
    this.failInflight('disconnected');
  }

  /** The browser's online/offline events (Playwright's offline mode leaves sockets open: we close them). */
  setNetwork(up) {
    this.networkUp = up;
    if (!this.started) {
      return;
    }
    if (!up) {
      this.dropSocket();
      clearTimeout(this.reconnectTimer);
      this.setState(State.OFFLINE);
    } else {
      this.attempt = 0;
      clearTimeout(this.reconnectTimer);
      this.connect();
    }
  }

  dropSocket() {
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      this.hello = null;
      detach(ws);
      try {
        ws.close(4000, 'network lost');
      } catch {
        // ignore
      }
      clearInterval(this.heartbeatTimer);
      this.failInflight('disconnected');
    }
  }

  async connect() {
    if (!this.started || this.ws) {
      return;
    }
    if (!this.networkUp) {
      this.setState(State.OFFLINE);
      return;
    }
    this.setState(State.CONNECTING);
    let token;
    try {
      token = await this.freshToken();
    } catch (e) {
      if (this.session) {
        this.scheduleReconnect();
      }
      return;
    }
    if (!this.started || this.ws || !token) {
      return;
    }
    let ws;
    try {
      ws = new this.WebSocketImpl(this.wsUrl,
        [SUBPROTOCOL, 'quarkus-http-upgrade#Authorization#' + encodeURIComponent('Bearer ' + token)]);
    } catch (e) {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
    };
    ws.onmessage = (ev) => this.onFrame(ev.data);
    ws.onclose = (ev) => {
      if (this.ws !== ws) {
        return;
      }
      this.ws = null;
      this.hello = null;
      clearInterval(this.heartbeatTimer);
      this.failInflight('disconnected');
      this.emit('disconnected', { code: ev.code, reason: ev.reason, opened });
      if (ev.code === 4001) {
        // token expired or revoked: a refresh decides whether the session goes on
        this.refresh().then(() => this.scheduleReconnect(0), () => {});
        return;
      }
      if (!opened) {
        this.failedAttempts++;
        if (this.failedAttempts >= this.restFallbackAfter) {
          this.scheduleFlush(0); // the socket cannot connect: the outbox goes over REST meanwhile
        }
      }
      this.scheduleReconnect(ev.code === 4429 ? Math.max(10_000, this.nextDelay()) : undefined);
    };
    ws.onerror = () => {
      // onclose follows and decides
    };
  }

  nextDelay() {
    const cap = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(this.attempt, 16));
    return Math.round(Math.random() * cap); // full jitter
  }

  scheduleReconnect(delay) {
    if (!this.started) {
      return;
    }
    clearTimeout(this.reconnectTimer);
    if (!this.networkUp) {
      this.setState(State.OFFLINE);
      return;
    }
    const wait = delay ?? this.nextDelay();
    this.attempt++;
    this.setState(State.CONNECTING);
    this.emit('reconnect.scheduled', { inMs: wait, attempt: this.attempt });
    this.reconnectTimer = setTimeout(() => this.connect(), wait);
  }

  /** Reconnects now (a "retry now" button). */
  reconnectNow() {
    this.attempt = 0;
    clearTimeout(this.reconnectTimer);
    this.connect();
  }

  onFrame(data) {
    let f;
    try {
      f = JSON.parse(data);
    } catch {
      return;
    }
    if (!f || typeof f.type !== 'string') {
      return;
    }
    if ((f.type === 'ack' || f.type === 'error') && f.ref && this.inflight.has(f.ref)) {
      const p = this.inflight.get(f.ref);
      this.inflight.delete(f.ref);
      clearTimeout(p.timer);
      if (f.type === 'ack') {
        p.resolve(f);
      } else {
        p.reject(new ChatError(f.code, f.message, { retryable: f.retryable, retryAfterMs: f.retryAfterMs }));
      }
      return;
    }
    switch (f.type) {
      case 'hello':
        this.onHello(f);
        break;
      case 'message.new':
        this.ingest(f, true);
        break;
      case 'error':
        this.emit('error', f);
        break;
      case 'ack':
        break;
      case 'room.updated':
      case 'member.joined':
        if (f.room) {
          this.track(f.room, 0);
        }
        this.emit(f.type, f);
        break;
      default:
        // message.edited, message.deleted, reaction.updated, receipt, typing, presence, member.left, notification
        this.emit(f.type, f);
    }
  }

  async onHello(hello) {
    this.hello = hello;
    this.failedAttempts = 0;
    this.setState(State.RESYNCING);
    this.emit('hello', hello);
    clearInterval(this.heartbeatTimer);
    const every = Math.max(5, Number(hello.heartbeatSec) || 20) * 1000;
    // browsers cannot send WebSocket pings: an application `ping` keeps the session heard and detects half-open sockets
    this.heartbeatTimer = setInterval(() => {
      this.command({ type: 'ping' }, every * 2).catch((e) => {
        if (e.code === 'timeout' && this.ws) {
          this.dropSocket();
          this.scheduleReconnect(0);
        }
      });
    }, every);
    const ws = this.ws;
    try {
      await this.syncRooms([...this.rooms.keys()]);
    } catch (e) {
      // a failed sync is repeated at the next gap or reconnect; live events flow meanwhile
    }
    if (this.ws !== ws || !this.ws) {
      return;
    }
    this.attempt = 0;
    this.setState(State.ONLINE);
    this.scheduleFlush(0);
    this.flushDelivered();
  }

  /** Sends a command frame and waits for its ack (resolves with it) or error (rejects with a ChatError). */
  command(frame, timeoutMs = this.commandTimeoutMs) {
    const ws = this.ws;
    if (!ws || ws.readyState !== 1 || !this.hello) {
      return Promise.reject(new ChatError('disconnected', 'not connected'));
    }
    const id = 'c-' + (++this.commandSeq);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.inflight.delete(id)) {
          reject(new ChatError('timeout', 'no answer in time'));
        }
      }, timeoutMs);
      this.inflight.set(id, { resolve, reject, timer });
      try {
        ws.send(JSON.stringify({ ...frame, id }));
      } catch (e) {
        this.inflight.delete(id);
        clearTimeout(timer);
        reject(new ChatError('disconnected', 'not connected'));
      }
    });
  }

  failInflight(code) {
    for (const [id, p] of this.inflight) {
      clearTimeout(p.timer);
      p.reject(new ChatError(code, 'connection lost'));
      this.inflight.delete(id);
    }
  }

  // ---------------------------------------------------------------- ordering, duplicates, sync

  /** Starts following a room from `lastSeq` (what the UI already knows); sync resumes from there. */
  track(room, lastSeq = 0) {
    let st = this.rooms.get(room);
    if (!st) {
      st = { lastSeq, early: new Map() };
      this.rooms.set(room, st);
    } else if (lastSeq > st.lastSeq) {
      st.lastSeq = lastSeq;
      this.drainEarly(room, st);
    }
    return st;
  }

  lastSeq(room) {
    return this.rooms.get(room)?.lastSeq ?? 0;
  }

  /**
   * Every message (live event, sync answer, send ack) passes here: a (room, seq) seen before is
   * dropped; one past a gap waits until the gap is filled by `sync`. Emits `message` in seq order.
   */
  ingest(m, live = false) {
    if (!m || !m.room || typeof m.seq !== 'number') {
      return;
    }
    const st = this.rooms.get(m.room) || this.track(m.room, Math.max(0, m.seq - 1));
    if (m.seq <= st.lastSeq || st.early.has(m.seq)) {
      this.emit('duplicate', { room: m.room, seq: m.seq });
      return;
    }
    if (m.seq !== st.lastSeq + 1) {
      st.early.set(m.seq, normalise(m));
      this.requestGapSync(m.room);
      return;
    }
    this.apply(m.room, st, normalise(m), live);
    this.drainEarly(m.room, st);
  }

  apply(room, st, m, live) {
    st.lastSeq = m.seq;
    this.emit('message', { room, message: m, live, own: m.sender === this.userId });
    if (live && m.sender !== this.userId) {
      this.scheduleDelivered(room);
    }
  }

  drainEarly(room, st) {
    for (const seq of [...st.early.keys()].sort((a, b) => a - b)) {
      if (seq <= st.lastSeq) {
        st.early.delete(seq);
      } else if (seq === st.lastSeq + 1) {
        const m = st.early.get(seq);
        st.early.delete(seq);
        this.apply(room, st, m, true);
      } else {
        break;
      }
    }
  }

  requestGapSync(room) {
    this.gapSync.add(room);
    if (!this.gapTimer) {
      this.gapTimer = setTimeout(() => {
        this.gapTimer = null;
        const rooms = [...this.gapSync];
        this.gapSync.clear();
        this.syncRooms(rooms).catch(() => {});
      }, 150);
    }
  }

  /** `sync` from the last seq of each room; `complete:false` pages the rest over REST. */
  async syncRooms(roomIds) {
    if (!roomIds.length) {
      return;
    }
    const chunks = [];
    for (let i = 0; i < roomIds.length; i += 500) {
      chunks.push(roomIds.slice(i, i + 500));
    }
    for (const chunk of chunks) {
      const rooms = {};
      chunk.forEach((r) => {
        rooms[r] = this.lastSeq(r);
      });
      const ack = await this.command({ type: 'sync', rooms });
      for (const [room, result] of Object.entries(ack.rooms || {})) {
        (result.messages || []).forEach((m) => this.ingest({ ...m, room: m.room || room }, true));
        if (result.complete === false) {
          await this.pageForward(room);
        }
      }
    }
  }

  async pageForward(room) {
    let cursor;
    for (let i = 0; i < 100; i++) {
      const page = await this.api('GET', '/api/rooms/' + enc(room) + '/messages'
        + (cursor ? qs({ cursor }) : qs({ after: this.lastSeq(room), limit: 100 })));
      (page.items || []).forEach((m) => this.ingest(m, true));
      if (!page.next) {
        return;
      }
      cursor = page.next;
    }
  }

  // ---------------------------------------------------------------- sending and the outbox

  /**
   * Queues a message: it is persisted at once (shown as pending), sent when possible, and
   * acknowledged exactly once. Resolves with the ack `{msgId, room, seq, ts}`.
   */
  send(room, text, { replyTo, threadRoot } = {}) {
    if (!this.session) {
      return Promise.reject(new ChatError('unauthorized', 'log in first'));
    }
    const entry = {
      clientMsgId: newId(), room, text, replyTo: replyTo || undefined, threadRoot: threadRoot || undefined,
      createdAt: new Date().toISOString(), state: 'queued', sender: this.userId,
    };
    this.outbox.add(entry);
    this.stopTyping(room);
    const done = new Promise((resolve, reject) => {
      (this.waiters ||= new Map()).set(entry.clientMsgId, { resolve, reject });
    });
    done.catch(() => {});
    done.clientMsgId = entry.clientMsgId;
    this.emit('outbox', { action: 'queued', entry: { ...entry } });
    this.emitQueue();
    this.scheduleFlush(0);
    return done;
  }

  /** Messages not acknowledged yet (pending and failed), for the UI after a reload. */
  pending(room) {
    return this.outbox ? this.outbox.all(room).map((e) => ({ ...e })) : [];
  }

  retry(clientMsgId) {
    if (this.outbox?.update(clientMsgId, { state: 'queued', error: undefined })) {
      this.emit('outbox', { action: 'queued', entry: { ...this.outbox.get(clientMsgId) } });
      this.scheduleFlush(0);
    }
  }

  discard(clientMsgId) {
    const e = this.outbox?.get(clientMsgId);
    if (e) {
      this.outbox.remove(clientMsgId);
      this.emit('outbox', { action: 'discarded', entry: { ...e } });
      this.waiters?.get(clientMsgId)?.reject(new ChatError('discarded', 'discarded'));
      this.waiters?.delete(clientMsgId);
      this.emitQueue();
    }
  }

  emitQueue() {
    this.emit('state', { state: this.state, queued: this.outbox ? this.outbox.size : 0, attempt: this.attempt });
  }

  scheduleFlush(delay) {
    clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => this.flush(), delay);
  }

  /** Which way a send goes now: the socket, the REST fallback, or nowhere (stay queued). */
  route() {
    if (this.ws && this.ws.readyState === 1 && this.hello && this.state === State.ONLINE) {
      return 'ws';
    }
    if (this.networkUp && this.started && !this.hello && this.failedAttempts >= this.restFallbackAfter) {
      return 'rest';
    }
    return null;
  }

  /** Sends the outbox oldest first, one at a time, so every room keeps its order. */
  async flush() {
    if (this.flushing || !this.outbox || !this.session) {
      return;
    }
    this.flushing = true;
    try {
      for (;;) {
        const entry = this.outbox.next();
        const via = entry && this.route();
        if (!entry || !via) {
          return;
        }
        this.outbox.update(entry.clientMsgId, { state: 'sending' });
        this.emit('outbox', { action: 'sending', entry: { ...entry }, via });
        let ack;
        try {
          const body = { clientMsgId: entry.clientMsgId, text: entry.text, replyTo: entry.replyTo, threadRoot: entry.threadRoot };
          ack = via === 'ws'
            ? await this.command({ type: 'message.send', room: entry.room, ...body })
            : await this.api('POST', '/api/rooms/' + enc(entry.room) + '/messages', body);
        } catch (e) {
          if (e.retryable || e.code === 'disconnected') {
            this.outbox.update(entry.clientMsgId, { state: 'queued' });
            this.emit('outbox', { action: 'queued', entry: { ...entry }, error: e.code });
            if (this.route()) {
              this.scheduleFlushLater(e.retryAfterMs ?? 1000);
            }
            return;
          }
          this.outbox.update(entry.clientMsgId, { state: 'failed', error: e.code + ': ' + e.message });
          this.emit('outbox', { action: 'failed', entry: { ...this.outbox.get(entry.clientMsgId) }, error: e });
          this.waiters?.get(entry.clientMsgId)?.reject(e);
          this.waiters?.delete(entry.clientMsgId);
          this.emitQueue();
          continue;
        }
        this.outbox.remove(entry.clientMsgId);
        const result = { msgId: ack.msgId, room: ack.room || entry.room, seq: ack.seq, ts: ack.ts };
        this.emit('outbox', { action: 'sent', entry: { ...entry }, ack: result, via });
        this.ingest({
          room: result.room, msgId: result.msgId, seq: result.seq, ts: result.ts, sender: this.userId, text: entry.text,
          clientMsgId: entry.clientMsgId, replyTo: entry.replyTo, threadRoot: entry.threadRoot, mentions: [],
        }, false);
        this.waiters?.get(entry.clientMsgId)?.resolve(result);
        this.waiters?.delete(entry.clientMsgId);
        this.emitQueue();
      }
    } finally {
      this.flushing = false;
    }
  }

  scheduleFlushLater(ms) {
    clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => this.flush(), ms);
  }

  // ---------------------------------------------------------------- other commands

  /** Call on every keystroke: sends `typing start` at most every 3 s and `stop` after 4 s of quiet. */
  typing(room) {
    const now = Date.now();
    const t = this.typingState.get(room) || {};
    if (!t.since || now - t.since > 3_000) {
      t.since = now;
      this.command({ type: 'typing', room, state: 'start' }).catch(() => {});
    }
    clearTimeout(t.stopTimer);
    t.stopTimer = setTimeout(() => this.stopTyping(room), 4_000);
    this.typingState.set(room, t);
  }

  stopTyping(room) {
    const t = this.typingState.get(room);
    if (t) {
      clearTimeout(t.stopTimer);
      this.typingState.delete(room);
      this.command({ type: 'typing', room, state: 'stop' }).catch(() => {});
    }
  }

  setPresence(status, text) {
    return this.command({ type: 'presence.set', status, text });
  }

  edit(room, msgId, text) {
    return this.command({ type: 'message.edit', room, msgId, text });
  }

  remove(room, msgId) {
    return this.command({ type: 'message.delete', room, msgId });
  }

  react(room, msgId, emoji, on = true) {
    return this.command({ type: on ? 'reaction.add' : 'reaction.remove', room, msgId, emoji });
  }

  /**
   * Tells the room's members this user has read everything up to `seq` (their read ticks; `read` implies
   * `delivered`). Over the socket when online, else over REST (`POST /api/rooms/{id}/receipts`).
   */
  markRead(room, seq) {
    return this.receipt(room, 'read', seq);
  }

  /** Confirms this device holds everything up to `seq` (debounced, batched per room; see scheduleDelivered). */
  markDelivered(room, seq) {
    const st = this.track(room, 0);
    st.deliveredWanted = Math.max(st.deliveredWanted || 0, seq || 0);
    this.scheduleDelivered(room);
  }

  receipt(room, kind, seq) {
    if (this.route() === 'ws') {
      return this.command({ type: 'receipt.' + kind, room, seq });
    }
    return this.api('POST', '/api/rooms/' + enc(room) + '/receipts', { [kind]: seq });
  }

  /** `receipt.delivered` for rooms that got messages from others, 500 ms after the last one arrived. */
  scheduleDelivered(room) {
    (this.deliveredRooms ||= new Set()).add(room);
    clearTimeout(this.deliveredTimer);
    this.deliveredTimer = setTimeout(() => this.flushDelivered(), 500);
  }

  flushDelivered() {
    if (!this.deliveredRooms?.size || !this.session) {
      return;
    }
    if (this.state !== State.ONLINE && !this.route()) {
      return; // kept: sent when the client is back online (onHello)
    }
    for (const r of [...this.deliveredRooms]) {
      const st = this.rooms.get(r);
      const seq = Math.max(this.lastSeq(r), st?.deliveredWanted || 0);
      if (!seq || seq <= (st?.deliveredSent || 0)) {
        this.deliveredRooms.delete(r);
        continue;
      }
      this.deliveredRooms.delete(r);
      this.receipt(r, 'delivered', seq).then(() => {
        if (st) {
          st.deliveredSent = Math.max(st.deliveredSent || 0, seq);
        }
      }, (e) => {
        if (e.retryable) {
          this.deliveredRooms.add(r); // tried again with the next flush
        }
      });
    }
  }
}

// ---------------------------------------------------------------- helpers

function fromPair(p) {
  const claims = decodeJwt(p.accessToken) || {};
  return {
    accessToken: p.accessToken, refreshToken: p.refreshToken, userId: p.userId || claims.sub,
    expiresAt: claims.exp ? claims.exp * 1000 : Date.now() + (Number(p.expiresIn) || 300) * 1000,
  };
}

/** Reads (does not verify) a JWT's claims: only for display and expiry scheduling. */
export function decodeJwt(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(part + '==='.slice((part.length + 3) % 4));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
  } catch {
    return null;
  }
}

function normalise(m) {
  return {
    room: m.room, msgId: m.msgId, seq: m.seq, sender: m.sender, text: m.text ?? null, ts: m.ts,
    clientMsgId: m.clientMsgId, replyTo: m.replyTo, threadRoot: m.threadRoot, mentions: m.mentions || [],
    editedAt: m.editedAt, deleted: m.deleted, reactions: m.reactions,
  };
}

function newId() {
  if (globalThis.crypto?.randomUUID) {
    return globalThis.crypto.randomUUID();
  }
  return 'm-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12);
}

function detach(ws) {
  ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
}

function enc(s) {
  return encodeURIComponent(s);
}

function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') {
      u.set(k, String(v));
    }
  }
  const s = u.toString();
  return s ? '?' + s : '';
}

function statusCode(status) {
  return {
    400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 413: 'too_large',
    429: 'rate_limited', 503: 'unavailable',
  }[status] || (status >= 500 ? 'internal' : 'bad_request');
}
