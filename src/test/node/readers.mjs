// Readers for SlowConsumerIT: READERS pusher-js clients on CHANNEL (private, authorized through /broadcasting/auth)
// that read everything, in a process of their own so that they never compete with the server's JVM for its
// threads. They print SUBSCRIBED, then RESULT once each has COUNT events (or TIMEOUT_MS passed): per reader how
// many events it got, whether they were exactly n = 0..COUNT-1 in order, when the last one arrived, and whether its
// connection ever dropped (a reader that keeps up must never be cut off).
import Pusher from 'pusher-js';
import { env, until, closeInput, authorizer, pusherOptions } from './common.mjs';

const READERS = Number(process.env.READERS || 3);
const COUNT = Number(process.env.COUNT);
const TIMEOUT_MS = Number(process.env.TIMEOUT_MS || 120000);
const channel = process.env.CHANNEL;

const readers = Array.from({ length: READERS }, () => {
  const reader = { subscribed: false, expected: 0, inOrder: true, lastAt: 0, drops: 0 };
  reader.pusher = new Pusher(env.key, pusherOptions({ channelAuthorization: authorizer() }));
  const subscription = reader.pusher.subscribe(channel);
  subscription.bind('pusher:subscription_succeeded', () => (reader.subscribed = true));
  subscription.bind('console.line', (data) => {
    if (data.n !== reader.expected) reader.inOrder = false;
    reader.expected = data.n + 1;
    reader.lastAt = Date.now();
  });
  reader.pusher.connection.bind('state_change', ({ previous }) => {
    if (previous === 'connected') reader.drops++;
  });
  return reader;
});

await until(() => readers.every((reader) => reader.subscribed), 'the readers to subscribe', 30000);
console.log('SUBSCRIBED');
const deadline = Date.now() + TIMEOUT_MS;
while (Date.now() < deadline && !readers.every((reader) => reader.expected >= COUNT)) {
  await new Promise((resolve) => setTimeout(resolve, 20));
}
console.log(`RESULT ${JSON.stringify(readers.map((reader) => ({ received: reader.expected, inOrder: reader.inOrder,
  lastAt: reader.lastAt, drops: reader.drops })))}`);
readers.forEach((reader) => reader.pusher.disconnect());
console.log('DONE');
closeInput();
process.exit(0);
