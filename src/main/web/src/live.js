// Live updates through the service's own Pusher endpoint, with the unmodified pusher-js: one connection per tab,
// a ChannelFeed per channel. A feed delivers each event once, in id order: while the socket is down it polls
// /api/channels/{channel}/events?after=<last id>, keeps asking pusher-js to reconnect, and resubscribes with a
// signed `since` of the last id it has, so push resumes exactly where polling left off (docs/console.md).
import Pusher from 'pusher-js';
import { api, ensureCsrf } from './api.js';

const POLL_EVERY_MS = 500;
// a WebSocket handshake on a live server takes milliseconds; a slower one is tried again, while polling goes on
const RECONNECT_EVERY_MS = 600;

let pusher = null;
const cursors = {};            // channel -> last id held, sent as `since` when (re)subscribing
const feeds = new Map();
const statusListeners = new Set();

function pusherKey() {
  const meta = document.querySelector('meta[name="aw-pusher-key"]');
  return meta ? meta.content : 'agent-workspace-key';
}

async function authorize(socketId, channelName) {
  const form = { socket_id: socketId, channel_name: channelName };
  if (cursors[channelName] !== undefined && cursors[channelName] !== null) form.since = String(cursors[channelName]);
  await ensureCsrf();
  return api('/broadcasting/auth', { method: 'POST', form });
}

export function connection() {
  if (!pusher) {
    const port = Number(location.port) || (location.protocol === 'https:' ? 443 : 80);
    pusher = new Pusher(pusherKey(), {
      cluster: 'local',
      wsHost: location.hostname,
      wsPort: port,
      wssPort: port,
      forceTLS: location.protocol === 'https:',
      enabledTransports: ['ws', 'wss'],
      disableStats: true,
      activityTimeout: 30000,
      pongTimeout: 6000,
      channelAuthorization: {
        customHandler: ({ socketId, channelName }, callback) => {
          authorize(socketId, channelName).then((answer) => callback(null, answer), (error) => callback(error, null));
        },
      },
    });
    pusher.connection.bind('state_change', () => notifyStatus());
    // leave cleanly: a socket the browser closes under pusher-js while it still sends makes console errors
    addEventListener('pagehide', () => { if (pusher) pusher.disconnect(); }, { once: true });
  }
  return pusher;
}

export function disconnect() {
  // the socket goes first: pusher-js then sends nothing more on it (no unsubscribe on a closing socket)
  // and the feeds stop before it, so its last state change starts no polling either
  const client = pusher;
  pusher = null;
  feeds.forEach((feed) => { feed.closed = true; });
  feeds.clear();
  reconnecting.clear();
  if (client) client.disconnect();
  notifyStatus();
}

/** 'push' when every open feed is subscribed, 'polling' when one polls, 'idle' without feeds. */
export function liveStatus() {
  if (feeds.size === 0) return pusher && pusher.connection.state === 'connected' ? 'push' : 'idle';
  return [...feeds.values()].every((feed) => feed.transport === 'push') ? 'push' : 'polling';
}

export function onLiveStatus(listener) {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

function notifyStatus() {
  const status = liveStatus();
  statusListeners.forEach((listener) => listener(status));
}

// While feeds poll, one timer (for all of them) asks pusher-js to reconnect now, as long as polling answers (so
// the server is there); pusher-js alone would back off for up to a minute after refused attempts
const reconnecting = new Set();
let lastAnswer = 0;
setInterval(() => {
  if (reconnecting.size && pusher && pusher.connection.state !== 'connected' && Date.now() - lastAnswer < 3000) {
    pusher.disconnect();
    pusher.connect();
  }
}, RECONNECT_EVERY_MS);

/**
 * Listens to a channel. `history: true` first reads every retained event (oldest first) through the polling API,
 * then goes live after the last one; otherwise it starts from now. Returns a function that stops listening.
 */
export function listen(channel, listener, { history = false } = {}) {
  let feed = feeds.get(channel);
  if (!feed) {
    feed = new ChannelFeed(channel, history);
    feeds.set(channel, feed);
    feed.start();
  }
  feed.listeners.add(listener);
  return () => {
    feed.listeners.delete(listener);
    if (feed.listeners.size === 0) {
      feed.close();
      feeds.delete(channel);
      notifyStatus();
    }
  };
}

class ChannelFeed {
  constructor(name, history) {
    this.name = name;
    this.history = history;
    this.listeners = new Set();
    this.last = null;
    this.transport = 'connecting';
    this.subscribed = false;
    this.closed = false;
    this.polling = false;
  }

  async start() {
    if (this.history) {
      this.setTransport('polling');
      await this.catchUp(0).catch(() => {});
    }
    if (this.closed) return;
    // a history feed resumes after what it read, even when that was nothing yet (0: from the oldest event)
    if (this.history && this.last === null) this.last = 0;
    if (this.last !== null) cursors[this.name] = this.last;
    const client = connection();
    this.channel = client.subscribe(this.name);
    this.channel.bind_global((event, data) => this.onPush(event, data));
    this.stateChange = ({ current }) => {
      if (current !== 'connected') {
        this.subscribed = false;
        this.startPolling();
      }
    };
    client.connection.bind('state_change', this.stateChange);
    if (client.connection.state !== 'connected' && this.history) this.startPolling();
  }

  onPush(event, data) {
    if (event === 'pusher:subscription_succeeded') {
      this.subscribed = true;
      if (this.last === null && data && typeof data._seq === 'number') this.last = data._seq;
      this.setTransport('push');
      return;
    }
    if (event === 'pusher:subscription_error') {
      this.subscribed = false;
      this.startPolling();
      setTimeout(() => { if (!this.closed && pusher) pusher.subscribe(this.name); }, 1000);
      return;
    }
    if (event === 'console:reset') {
      if (data && typeof data.missedThrough === 'number') this.deliver({ id: data.missedThrough, event, data, gap: true });
      return;
    }
    if (event.startsWith('pusher:') || event.startsWith('pusher_internal:')) return;
    if (!data || typeof data._seq !== 'number') return;
    const { _seq, ...payload } = data;
    this.deliver({ id: _seq, event, data: payload, via: 'push' });
  }

  deliver(item) {
    if (this.last !== null && item.id <= this.last) return;
    this.last = item.id;
    cursors[this.name] = item.id;
    this.listeners.forEach((listener) => listener(item));
  }

  async catchUp(after) {
    let cursor = after;
    for (;;) {
      const page = await api(`/api/channels/${encodeURIComponent(this.name)}/events`, { params: { after: cursor, limit: 1000 } });
      page.events.forEach((item) => this.deliver({ id: item.id, event: item.event, data: item.data, at: item.publishedAt, via: 'poll' }));
      cursor = page.next;
      if (!page.more || this.closed) return;
    }
  }

  async startPolling() {
    if (this.polling || this.closed) return;
    this.polling = true;
    this.setTransport('polling');
    reconnecting.add(this);
    while (!this.closed && !(pusher && pusher.connection.state === 'connected' && this.subscribed)) {
      try {
        if (this.last === null) {
          const tail = await api(`/api/channels/${encodeURIComponent(this.name)}/events`, { params: { limit: 1 } });
          this.last = tail.next;
          cursors[this.name] = this.last;
        } else {
          await this.catchUp(this.last);
        }
        lastAnswer = Date.now();
      } catch (down) {
        // the server is away too: keep trying
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
    }
    reconnecting.delete(this);
    this.polling = false;
    if (!this.closed && this.subscribed) this.setTransport('push');
  }

  setTransport(transport) {
    if (this.transport === transport) return;
    this.transport = transport;
    notifyStatus();
  }

  close() {
    this.closed = true;
    reconnecting.delete(this);
    if (pusher) {
      if (this.stateChange) pusher.connection.unbind('state_change', this.stateChange);
      pusher.unsubscribe(this.name);
    }
    delete cursors[this.name];
  }
}

/** Presence on a presence- channel: calls back with the members (id, name) whenever they change. */
export function presence(channelName, onMembers) {
  const client = connection();
  const channel = client.subscribe(channelName);
  const update = () => {
    const members = [];
    channel.members.each((member) => members.push({ id: member.id, name: (member.info && member.info.name) || member.id }));
    onMembers(members, channel.members.me ? channel.members.me.id : null);
  };
  channel.bind('pusher:subscription_succeeded', update);
  channel.bind('pusher:member_added', update);
  channel.bind('pusher:member_removed', update);
  return () => {
    channel.unbind('pusher:subscription_succeeded', update);
    channel.unbind('pusher:member_added', update);
    channel.unbind('pusher:member_removed', update);
    client.unsubscribe(channelName);
  };
}
