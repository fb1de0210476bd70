// Offline outbox: messages the user sent that the server has not acknowledged yet.
// Persisted in localStorage (one key per user), so a reload or a closed tab loses nothing;
// every entry carries its clientMsgId, so flushing it again (after a reconnect, a retry or
// through the REST fallback) stores the message once.

const PREFIX = 'chat.outbox.v1.';

export class Outbox {
  /**
   * @param {Storage|null} storage where entries live (localStorage); null keeps them in memory only
   * @param {string} userId entries are per user: another account on the same browser never sends them
   */
  constructor(storage, userId) {
    this.storage = storage;
    this.key = PREFIX + userId;
    this.entries = [];
    try {
      const raw = storage && storage.getItem(this.key);
      const parsed = raw ? JSON.parse(raw) : [];
      if (Array.isArray(parsed)) {
        // an entry that was being sent when the page went away is simply queued again
        this.entries = parsed.filter(validEntry).map((e) => ({ ...e, state: e.state === 'failed' ? 'failed' : 'queued' }));
      }
    } catch {
      this.entries = [];
    }
  }

  add(entry) {
    this.entries.push(entry);
    this.save();
    return entry;
  }

  /** The oldest entry that may be sent now (FIFO across rooms keeps every room's order). */
  next() {
    return this.entries.find((e) => e.state !== 'failed') || null;
  }

  get(clientMsgId) {
    return this.entries.find((e) => e.clientMsgId === clientMsgId) || null;
  }

  update(clientMsgId, patch) {
    const e = this.get(clientMsgId);
    if (e) {
      Object.assign(e, patch);
      this.save();
    }
    return e;
  }

  remove(clientMsgId) {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.clientMsgId !== clientMsgId);
    if (this.entries.length !== before) {
      this.save();
    }
  }

  /** Entries still waiting (queued or being sent), optionally for one room. */
  pending(room) {
    return this.entries.filter((e) => e.state !== 'failed' && (!room || e.room === room));
  }

  all(room) {
    return this.entries.filter((e) => !room || e.room === room);
  }

  get size() {
    return this.pending().length;
  }

  save() {
    if (!this.storage) {
      return;
    }
    try {
      this.storage.setItem(this.key, JSON.stringify(this.entries));
    } catch {
      // storage full or disabled: the entries still live in memory for this page
    }
  }
}

function validEntry(e) {
  return e && typeof e.clientMsgId === 'string' && typeof e.room === 'string' && typeof e.text === 'string';
}
