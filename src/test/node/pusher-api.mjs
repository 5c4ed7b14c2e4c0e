// The rest of the Pusher Channels API with unmodified client libraries, driven by PusherApiIT (one node):
//  F. channel information through the `pusher` server SDK: /channels (filter_by_prefix, info=user_count),
//     /channels/{name} (occupied, user_count, subscription_count), /channels/{name}/users; refusals.
//  G. terminateUserConnections through the SDK closes exactly that user's connection, which does not reconnect.
//  H. client events through laravel-echo's whisper on a private channel: the other client gets it, the sender
//     never; refusals for a public channel, an oversize event and too many events per second.
//  I. webhooks: channel_occupied, member_added, member_removed, channel_vacated arrive, each checked by the SDK's
//     own webhook validation (X-Pusher-Key, X-Pusher-Signature); the receiver starts late, so the first
//     deliveries are retried.
import Pusher from 'pusher-js';
import PusherServer from 'pusher';
import Echo from 'laravel-echo';
import { env, port, check, fail, until, sleep, closeInput, authorizer, pusherOptions, webhookReceiver } from './common.mjs';

const server = new PusherServer({ appId: env.appId, key: env.key, secret: env.secret, host: '127.0.0.1', port: String(port), useTLS: false });
const forged = new PusherServer({ appId: env.appId, key: env.key, secret: 'not-the-secret', host: '127.0.0.1', port: String(port), useTLS: false });
const unique = `${Date.now()}-${Math.floor(Math.random() * 1e9)}`;

function connect(token = env.token) {
  return new Pusher(env.key, pusherOptions({ channelAuthorization: authorizer({}, () => {}, token) }));
}

async function subscribed(pusher, channel) {
  const subscription = pusher.subscribe(channel);
  let done = false;
  subscription.bind('pusher:subscription_succeeded', () => (done = true));
  subscription.bind('pusher:subscription_error', (error) => fail(`subscription error on ${channel}: ${JSON.stringify(error)}`));
  await until(() => done, `the subscription to ${channel}`);
  return subscription;
}

async function get(path, params = {}, client = server) {
  const response = await client.get({ path, params }).catch((error) => error.status ? error : fail(`${path}: ${error}`));
  const body = await (response.text ? response.text() : Promise.resolve(response.body || ''));
  return { status: response.status, body: body ? (() => { try { return JSON.parse(body); } catch { return body; } })() : null };
}

async function scenarioF() {
  const privateChannel = `private-run.f-${unique}`;
  const presenceChannel = `presence-project.f-${unique}`;
  const first = connect();
  const second = connect(process.env.CONSOLE_TOKEN_2);
  await subscribed(first, privateChannel);
  await subscribed(second, privateChannel);
  await subscribed(first, presenceChannel);
  await subscribed(second, presenceChannel);

  const presence = await get('/channels', { filter_by_prefix: 'presence-', info: 'user_count' });
  check(presence.status === 200, `F: /channels answered ${presence.status}`);
  check(presence.body.channels[presenceChannel] && presence.body.channels[presenceChannel].user_count === 2,
    `F: presence channel listing ${JSON.stringify(presence.body)}`);
  check(!presence.body.channels[privateChannel], 'F: the prefix filter let a private channel through');
  const all = await get('/channels');
  check(all.body.channels[privateChannel] && all.body.channels[presenceChannel], `F: all channels ${JSON.stringify(all.body)}`);

  const one = await get(`/channels/${privateChannel}`, { info: 'subscription_count' });
  check(one.status === 200 && one.body.occupied === true && one.body.subscription_count === 2,
    `F: /channels/{private} ${JSON.stringify(one.body)}`);
  const both = await get(`/channels/${presenceChannel}`, { info: 'user_count,subscription_count' });
  check(both.body.occupied === true && both.body.user_count === 2 && both.body.subscription_count === 2,
    `F: /channels/{presence} ${JSON.stringify(both.body)}`);
  const users = await get(`/channels/${presenceChannel}/users`);
  check(users.status === 200 && users.body.users.length === 2 && users.body.users.every((user) => typeof user.id === 'string'),
    `F: users ${JSON.stringify(users.body)}`);
  const empty = await get(`/channels/private-run.nobody-${unique}`, { info: 'subscription_count' });
  check(empty.status === 200 && empty.body.occupied === false && empty.body.subscription_count === 0,
    `F: an unoccupied channel ${JSON.stringify(empty.body)}`);

  const refusals = [
    [await get(`/channels/${privateChannel}/users`), 400, 'users of a private channel'],
    [await get('/channels', { info: 'user_count' }), 400, 'user_count without a presence prefix'],
    [await get(`/channels/${privateChannel}`, { info: 'user_count' }), 400, 'user_count of a private channel'],
    [await get(`/channels/${privateChannel}`, { info: 'everything' }), 400, 'an unknown info'],
    [await get('/channels/bad%20channel'), 400, 'an invalid channel name'],
    [await get('/channels', {}, forged), 401, 'a forged signature'],
  ];
  for (const [answer, status, what] of refusals) {
    check(answer.status === status, `F: ${what} answered ${answer.status}, not ${status}: ${JSON.stringify(answer.body)}`);
  }
  second.disconnect();
  first.disconnect();
  console.log('OK F channel information through the pusher SDK, refusals as problems');
}

async function scenarioG() {
  const channel = `presence-project.g-${unique}`;
  const target = connect(process.env.CONSOLE_TOKEN_2);
  const bystander = connect();
  await subscribed(target, channel);
  const subscription = await subscribed(bystander, channel);
  let targetId = null;
  subscription.members.each((member) => { if (member.id !== subscription.members.me.id) targetId = member.id; });
  check(targetId, 'G: the target is not among the members');
  const states = [];
  target.connection.bind('state_change', (change) => states.push(change.current));
  let closedWith = null;
  target.connection.bind('error', (error) => { if (error && error.data && error.data.code) closedWith = error.data.code; });
  const response = await server.terminateUserConnections(targetId);
  check(response.status === 200, `G: terminate answered ${response.status}`);
  await until(() => states.includes('disconnected') || states.includes('failed') || states.includes('unavailable'),
    'G: the terminated connection to close');
  await sleep(1500);
  check(target.connection.state !== 'connected', `G: the terminated client reconnected (${states.join(' > ')})`);
  check(bystander.connection.state === 'connected', 'G: another user\'s connection was closed too');
  const refused = await server.post({ path: `/users/${encodeURIComponent('bad user')}/terminate_connections`, body: {} })
    .catch((error) => error);
  check(refused.status === 400 || refused.status === 404, `G: a bad user id answered ${refused.status}`);
  target.disconnect();
  bystander.disconnect();
  console.log(`OK G terminateUserConnections closed ${targetId}'s connection (${closedWith ?? 'closed'}), not the other's`);
}

async function scenarioH() {
  const name = `run.h-${unique}`;
  const sender = new Echo({ broadcaster: 'pusher', key: env.key, client: connect() });
  const receiver = new Echo({ broadcaster: 'pusher', key: env.key, client: connect(process.env.CONSOLE_TOKEN_2) });
  const heard = [];
  const echoed = [];
  const senderErrors = [];
  sender.connector.pusher.connection.bind('error', (error) => senderErrors.push(error));
  const receiving = receiver.private(name).listenForWhisper('typing', (data) => heard.push(data));
  const sending = sender.private(name).listenForWhisper('typing', (data) => echoed.push(data));
  let ready = 0;
  receiving.subscribed(() => ready++);
  sending.subscribed(() => ready++);
  await until(() => ready === 2, 'H: both private subscriptions');
  sending.whisper('typing', { who: 'sender', n: 1 });
  await until(() => heard.length === 1, 'H: the whisper to arrive');
  check(heard[0].who === 'sender' && heard[0].n === 1, `H: whisper data ${JSON.stringify(heard[0])}`);

  // refusals: a public channel, an oversize event, more than the per-second allowance
  const raw = sender.connector.pusher;
  raw.send_event('client-typing', { n: 2 }, `public-h-${unique}`);
  raw.send_event('client-typing', { big: 'x'.repeat(20000) }, `private-${name}`);
  await until(() => senderErrors.length >= 2, 'H: errors for the public channel and the oversize event');
  const before = heard.length;
  for (let n = 0; n < 30; n++) sending.whisper('typing', { burst: n });
  await until(() => senderErrors.some((error) => error.data && error.data.code === 4301), 'H: a rate limit error');
  await sleep(1000);
  const burst = heard.length - before;
  check(burst >= 5 && burst < 30, `H: ${burst} of 30 burst whispers were delivered`);
  check(echoed.length === 0, `H: the sender heard its own whisper ${echoed.length} times`);
  check(!heard.some((data) => data.big), 'H: the oversize event was delivered');
  sender.disconnect();
  receiver.disconnect();
  console.log(`OK H whisper delivered to the other client only; ${burst} of a burst of 30 passed the limit`);
}

async function scenarioI(receiver) {
  const webhooks = receiver.events;
  const channel = `presence-project.i-${unique}`;
  const client = connect();
  await subscribed(client, channel);
  client.disconnect();
  await until(() => ['channel_occupied', 'member_added', 'member_removed', 'channel_vacated']
    .every((name) => webhooks.some((event) => event.name === name && event.channel === channel)), 'I: the four webhooks', 120000);
  const mine = webhooks.filter((event) => event.channel === channel);
  check(mine.filter((event) => event.name === 'channel_occupied').length === 1, `I: occupied once ${JSON.stringify(mine)}`);
  check(mine.filter((event) => event.name === 'member_added').length === 1, `I: member_added once ${JSON.stringify(mine)}`);
  const added = mine.find((event) => event.name === 'member_added');
  check(typeof added.user_id === 'string' && added.user_id.length > 0, `I: member_added without user_id ${JSON.stringify(added)}`);
  check(receiver.invalid === 0, `I: ${receiver.invalid} webhooks failed the SDK's signature check`);
  const early = webhooks.some((event) => event.channel === `private-run.f-${unique}`);
  check(early, 'I: webhooks sent before the receiver listened were not retried');
  receiver.server.close();
  console.log(`OK I webhooks: ${webhooks.length} events, all valid by the pusher SDK`);
}

try {
  await scenarioF();
  await scenarioG();
  await scenarioH();
  // the receiver starts only now: what was sent before reached a closed port and must have been retried
  const receiver = await webhookReceiver(server);
  await scenarioI(receiver);
  console.log('DONE');
  closeInput();
  process.exit(0);
} catch (error) {
  fail(error && error.stack ? error.stack : String(error));
}
