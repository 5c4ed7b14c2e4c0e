// The console's acceptance with real client libraries, driven by ConsoleClientsIT:
//  A. pusher-js 8 (unmodified) authorizes a private channel through /broadcasting/auth and receives events
//     published through ConsoleEventService (by the Java test) and through POST /apps/{id}/events signed by the
//     official `pusher` server SDK, in order.
//  B. eventsource drops mid-stream, reconnects with Last-Event-ID, and gets every event exactly once, in order.
//  C. a pusher-js client that loses its socket catches up by polling, resubscribes, and ends exactly-once in order.
//  D. refusals: a bad channel signature, an unknown app key.
import Pusher from 'pusher-js';
import PusherServer from 'pusher';
import { EventSource } from 'eventsource';
import { env, port, check, fail, until, sleep, nextLine, closeInput, poll, authorizer, pusherOptions } from './common.mjs';

const server = new PusherServer({ appId: env.appId, key: env.key, secret: env.secret, host: '127.0.0.1', port: String(port), useTLS: false });
const unique = `${Date.now()}-${Math.floor(Math.random() * 1e9)}`;

async function trigger(channel, n) {
  const response = await server.trigger(channel, 'console.line', { n, text: `line ${n}` });
  check(response.status === 200, `SDK publish answered ${response.status}`);
}

function inOrder(received, count, what) {
  const ns = received.map((event) => event.n);
  const expected = Array.from({ length: count }, (_, i) => i);
  check(JSON.stringify(ns) === JSON.stringify(expected), `${what}: expected n 0..${count - 1} once each, got ${JSON.stringify(ns)}`);
  for (let i = 1; i < received.length; i++) check(received[i].seq > received[i - 1].seq, `${what}: ids not increasing`);
}

async function scenarioA() {
  const channel = `private-run.a-${unique}`;
  const pusher = new Pusher(env.key, pusherOptions({ channelAuthorization: authorizer() }));
  const received = [];
  const subscription = pusher.subscribe(channel);
  let subscribed = false;
  subscription.bind('pusher:subscription_succeeded', () => (subscribed = true));
  subscription.bind('pusher:subscription_error', (error) => fail(`subscription error ${JSON.stringify(error)}`));
  subscription.bind('console.line', (data) => received.push({ n: data.n, seq: data._seq }));
  await until(() => subscribed, 'the private subscription');
  console.log(`SUBSCRIBED ${channel}`);
  check((await nextLine()) === 'PUBLISHED 20', 'the Java test did not publish');
  for (let n = 20; n < 40; n++) await trigger(channel, n);
  await until(() => received.length >= 40, 'the 40 events on pusher-js');
  await sleep(200);
  inOrder(received, 40, 'A');
  pusher.disconnect();
  console.log('OK A pusher-js received 20 ConsoleEventService + 20 SDK events in order');
}

async function scenarioB() {
  const channel = `private-run.b-${unique}`;
  let connections = 0;
  let drop = false;
  const lastEventIds = [];
  const es = new EventSource(`${env.base}/api/console/stream?channel=${channel}`, {
    fetch: async (url, init) => {
      const headers = new Headers(init.headers);
      headers.set('Authorization', `Bearer ${env.token}`);
      lastEventIds.push(headers.get('Last-Event-ID'));
      const response = await fetch(url, { ...init, headers });
      if (++connections > 1) return response;
      const reader = response.body.getReader();
      const body = new ReadableStream({
        async pull(controller) {
          if (drop) {
            reader.cancel().catch(() => {});
            controller.error(new TypeError('network connection lost'));
            return;
          }
          const { done, value } = await reader.read();
          if (done) controller.close(); else controller.enqueue(value);
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    },
  });
  const received = [];
  es.onmessage = (message) => {
    const item = JSON.parse(message.data);
    check(String(item.id) === message.lastEventId, 'B: SSE id is not the event id');
    received.push({ n: item.data.n, seq: item.id });
    if (received.length === 15) drop = true;
  };
  await until(() => connections === 1 && es.readyState === EventSource.OPEN, 'the SSE stream');
  const publishing = (async () => {
    for (let n = 0; n < 40; n++) {
      await trigger(channel, n);
      await sleep(15);
    }
  })();
  await publishing;
  await until(() => received.length >= 40, 'the 40 events over SSE', 20000);
  await sleep(300);
  es.close();
  check(connections >= 2, 'B: the stream never reconnected');
  check(lastEventIds[1] !== null && Number(lastEventIds[1]) >= received[14].seq,
      `B: reconnect did not send Last-Event-ID (${lastEventIds[1]})`);
  inOrder(received, 40, 'B');
  console.log(`OK B SSE dropped after 15, reconnected with Last-Event-ID ${lastEventIds[1]}, 40 events exactly once`);
}

async function scenarioC() {
  const channel = `private-run.c-${unique}`;
  const cursors = {};
  const pusher = new Pusher(env.key, pusherOptions({ channelAuthorization: authorizer(cursors) }));
  const received = [];
  let last = 0;
  const accept = (n, seq) => {
    if (seq <= last) return;               // never twice
    received.push({ n, seq });
    last = seq;
    cursors[channel] = last;
  };
  const subscription = pusher.subscribe(channel);
  let subscribed = 0;
  subscription.bind('pusher:subscription_succeeded', (data) => {
    subscribed++;
    if (last === 0) last = data._seq;
  });
  subscription.bind('console.line', (data) => accept(data.n, data._seq));
  await until(() => subscribed === 1, 'C subscription');
  for (let n = 0; n < 5; n++) await trigger(channel, n);
  await until(() => received.length === 5, 'C live events');
  pusher.disconnect();
  for (let n = 5; n < 20; n++) await trigger(channel, n);
  // the socket is gone: catch up by polling
  for (;;) {
    const page = await poll(channel, last, 4);
    page.events.forEach((event) => accept(event.data.n, event.id));
    if (!page.more) break;
  }
  check(received.length === 20, `C: polling caught up to ${received.length} events`);
  pusher.connect();
  await until(() => subscribed === 2, 'C resubscription');
  for (let n = 20; n < 30; n++) await trigger(channel, n);
  await until(() => received.length >= 30, 'C live after resubscribe');
  await sleep(300);
  pusher.disconnect();
  inOrder(received, 30, 'C');
  console.log('OK C pusher-js caught up by polling after its socket went, then resumed push: 30 events exactly once');
}

async function scenarioD() {
  const channel = `private-run.d-${unique}`;
  const forged = { customHandler: ({ socketId }, callback) => callback(null, { auth: `${env.key}:${'0'.repeat(64)}` }) };
  const pusher = new Pusher(env.key, pusherOptions({ channelAuthorization: forged }));
  const errors = [];
  pusher.connection.bind('error', (error) => errors.push(error));
  pusher.subscribe(channel);
  await until(() => errors.some((e) => e.data && e.data.code === 4009), 'the 4009 refusal of a forged signature');
  pusher.disconnect();

  const stranger = new Pusher('no-such-key', pusherOptions());
  const states = [];
  stranger.connection.bind('state_change', (change) => states.push(change.current));
  const refusals = [];
  stranger.connection.bind('error', (error) => refusals.push(error));
  const code = (e) => (e.error && e.error.data ? e.error.data.code : e.data && e.data.code);
  await until(() => refusals.some((e) => code(e) === 4001), 'the 4001 refusal of an unknown app key');
  await until(() => states.includes('failed') || states.includes('disconnected'), 'the client giving up on 4001');
  stranger.disconnect();
  console.log('OK D forged signature refused with 4009, unknown app key with 4001');
}

try {
  await scenarioA();
  await scenarioB();
  await scenarioC();
  await scenarioD();
  console.log('DONE');
  closeInput();
  process.exit(0);
} catch (error) {
  fail(error && error.stack ? error.stack : String(error));
}
