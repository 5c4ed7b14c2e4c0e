// Console subscribers during a deploy, driven by DeployDrainIT: PUSHER_CLIENTS pusher-js clients and SSE_CLIENTS
// eventsource clients, all through the proxy, each subscribed to every channel of CHANNELS from the beginning of
// its history (since=0 / last_event_id=0). When the instance they are connected to drains, it closes WebSockets with
// 4200 (pusher-js reconnects at once and resubscribes with a signed `since` of the last id it has) and ends SSE
// streams (eventsource reconnects with Last-Event-ID): both land on the new instance and resume where they were.
//
// Protocol: prints "READY" once every client is subscribed; then the Java test writes "EXPECT <channel>=<last id>,..."
// and every client must reach those ids; prints "RESULT <json>" with, per client and channel, the ids received (once
// each: an id at or below the last one received is counted as a duplicate and dropped) and the reconnections.
import Pusher from 'pusher-js';
import { EventSource } from 'eventsource';
import { env, check, fail, until, sleep, nextLine, closeInput, authorizer, pusherOptions } from './common.mjs';

const CHANNELS = process.env.CHANNELS.split(',');
const PUSHER_CLIENTS = Number(process.env.PUSHER_CLIENTS || 2);
const SSE_CLIENTS = Number(process.env.SSE_CLIENTS || 2);

class Received {
  constructor(kind, index) {
    this.kind = kind;
    this.index = index;
    this.ids = Object.fromEntries(CHANNELS.map((channel) => [channel, []]));
    this.duplicates = 0;
    this.reconnects = 0;
    this.ready = false;
  }

  accept(channel, id) {
    const ids = this.ids[channel];
    if (ids === undefined) return;
    if (ids.length > 0 && id <= ids[ids.length - 1]) {
      this.duplicates++;
      return;
    }
    ids.push(id);
  }

  last(channel) {
    const ids = this.ids[channel];
    return ids.length === 0 ? 0 : ids[ids.length - 1];
  }

  summary() {
    return { kind: this.kind, index: this.index, ids: this.ids, duplicates: this.duplicates, reconnects: this.reconnects };
  }
}

function pusherClient(index) {
  const received = new Received('pusher-js', index);
  const cursors = Object.fromEntries(CHANNELS.map((channel) => [channel, 0]));
  const pusher = new Pusher(env.key, pusherOptions({ channelAuthorization: authorizer(cursors), activityTimeout: 10000, pongTimeout: 5000 }));
  const subscribed = new Set();
  let everConnected = false;
  pusher.connection.bind('state_change', ({ current }) => {
    if (current === 'connected') {
      if (everConnected) received.reconnects++;
      everConnected = true;
    } else {
      subscribed.clear();
    }
  });
  for (const channel of CHANNELS) {
    const subscription = pusher.subscribe(channel);
    subscription.bind('pusher:subscription_succeeded', () => subscribed.add(channel));
    // an authorization refused while an instance started or stopped: ask again
    subscription.bind('pusher:subscription_error', () => setTimeout(() => pusher.subscribe(channel), 500));
    subscription.bind_global((event, data) => {
      if (event.startsWith('pusher')) return;
      if (!data || typeof data._seq !== 'number') fail(`pusher-js ${index}: ${event} on ${channel} has no _seq`);
      received.accept(channel, data._seq);
      cursors[channel] = received.last(channel);
    });
  }
  received.isReady = () => subscribed.size === CHANNELS.length;
  received.close = () => pusher.disconnect();
  return received;
}

function sseClient(index) {
  const received = new Received('eventsource', index);
  let opened = 0;
  const query = CHANNELS.map((channel) => `channel=${encodeURIComponent(channel)}`).join('&');
  const source = new EventSource(`${env.base}/api/console/stream?${query}&last_event_id=0`, {
    fetch: (url, init) => {
      const headers = new Headers(init.headers);
      headers.set('Authorization', `Bearer ${env.token}`);
      return fetch(url, { ...init, headers });
    },
  });
  source.onopen = () => {
    if (opened++ > 0) received.reconnects++;
  };
  source.onmessage = (message) => {
    const item = JSON.parse(message.data);
    check(String(item.id) === message.lastEventId, `eventsource ${index}: the SSE id is not the event id`);
    received.accept(item.channel, item.id);
  };
  received.isReady = () => opened > 0;
  received.close = () => source.close();
  return received;
}

const clients = [
  ...Array.from({ length: PUSHER_CLIENTS }, (_, i) => pusherClient(i)),
  ...Array.from({ length: SSE_CLIENTS }, (_, i) => sseClient(i)),
];
await until(() => clients.every((client) => client.isReady()), 'every subscription', 60000);
console.log('READY');

const expect = await nextLine();
check(expect.startsWith('EXPECT '), `unexpected line ${expect}`);
const lastIds = Object.fromEntries(expect.substring(7).split(',').map((pair) => pair.split('=')).map(([c, id]) => [c, Number(id)]));
await until(() => clients.every((client) => CHANNELS.every((channel) => client.last(channel) >= lastIds[channel])),
  'every client to reach the last id of every channel', 90000);
await sleep(500);
console.log(`RESULT ${JSON.stringify(clients.map((client) => client.summary()))}`);
clients.forEach((client) => client.close());
closeInput();
process.exit(0);
