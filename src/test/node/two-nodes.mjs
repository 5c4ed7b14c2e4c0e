// Presence, client events, channel information, termination and webhooks across two nodes, driven by TwoNodesIT:
//  J. laravel-echo clients, one per node, join one presence channel: `here` lists both, `joining` and `leaving`
//     fire on the other node; a whisper crosses nodes; the `pusher` SDK asking node A counts both users and both
//     subscriptions; terminateUserConnections asked of node A closes the client connected to node B; every
//     webhook transition arrives exactly once, though both nodes send webhooks.
import Pusher from 'pusher-js';
import PusherServer from 'pusher';
import Echo from 'laravel-echo';
import { check, fail, until, sleep, closeInput, webhookReceiver } from './common.mjs';

const key = process.env.PUSHER_KEY;
const nodeA = process.env.NODE_A_URL;
const nodeB = process.env.NODE_B_URL;
const unique = `${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
const sdk = new PusherServer({ appId: process.env.PUSHER_APP_ID, key, secret: process.env.PUSHER_SECRET,
  host: '127.0.0.1', port: String(new URL(nodeA).port), useTLS: false });

function echoOn(base, token) {
  const client = new Pusher(key, {
    wsHost: '127.0.0.1', wsPort: Number(new URL(base).port), forceTLS: false, enabledTransports: ['ws'],
    cluster: 'local', disableStats: true,
    channelAuthorization: {
      customHandler: async ({ socketId, channelName }, callback) => {
        const response = await fetch(`${base}/broadcasting/auth`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ socket_id: socketId, channel_name: channelName }),
        });
        if (response.status !== 200) return callback(new Error(`auth answered ${response.status}`), null);
        callback(null, await response.json());
      },
    },
  });
  return new Echo({ broadcaster: 'pusher', key, client });
}

try {
  const receiver = await webhookReceiver(sdk);
  const webhooks = receiver.events;
  const room = `project.j-${unique}`;
  const channel = `presence-${room}`;
  const nameA = process.env.TOKEN_A_NAME;
  const nameB = process.env.TOKEN_B_NAME;
  const a = echoOn(nodeA, process.env.TOKEN_A);
  const b = echoOn(nodeB, process.env.TOKEN_B);
  let hereA = null;
  let hereB = null;
  const joiningA = [];
  const leavingA = [];
  const whispers = [];
  a.join(room).here((users) => (hereA = users)).joining((user) => joiningA.push(user))
    .leaving((user) => leavingA.push(user));
  await until(() => hereA !== null, 'J: A joined', 30000);
  check(hereA.length === 1 && hereA[0].name === nameA, `J: A's here ${JSON.stringify(hereA)}`);

  b.join(room).here((users) => (hereB = users)).listenForWhisper('typing', (data) => whispers.push(data));
  await until(() => hereB !== null, 'J: B joined', 30000);
  check(hereB.length === 2 && hereB.some((user) => user.name === nameA) && hereB.some((user) => user.name === nameB),
    `J: B's here ${JSON.stringify(hereB)}`);
  await until(() => joiningA.length === 1, 'J: A told that B joined (on the other node)', 30000);
  check(joiningA[0].name === nameB, `J: joining ${JSON.stringify(joiningA)}`);

  a.join(room).whisper('typing', { from: 'A' });
  await until(() => whispers.length === 1, 'J: the whisper across nodes', 30000);
  check(whispers[0].from === 'A', `J: whisper ${JSON.stringify(whispers[0])}`);

  const info = await (await sdk.get({ path: `/channels/${channel}`, params: { info: 'user_count,subscription_count' } })).json();
  check(info.occupied === true && info.user_count === 2 && info.subscription_count === 2,
    `J: node A's view of the channel ${JSON.stringify(info)}`);
  const users = await (await sdk.get({ path: `/channels/${channel}/users` })).json();
  check(users.users.length === 2, `J: users ${JSON.stringify(users)}`);

  const idB = users.users.map((user) => user.id).find((id) => id !== process.env.TOKEN_A_ID);
  const states = [];
  b.connector.pusher.connection.bind('state_change', (change) => states.push(change.current));
  const terminated = await sdk.terminateUserConnections(idB);
  check(terminated.status === 200, `J: terminate answered ${terminated.status}`);
  await until(() => states.length > 0 && b.connector.pusher.connection.state !== 'connected',
    'J: node B closed the terminated connection', 30000);
  await until(() => leavingA.length === 1, 'J: A told that B left', 30000);
  check(leavingA[0].name === nameB, `J: leaving ${JSON.stringify(leavingA)}`);
  a.disconnect();
  b.disconnect();

  await until(() => webhooks.some((event) => event.name === 'channel_vacated' && event.channel === channel),
    'J: channel_vacated', 60000);
  await sleep(1000);
  const mine = webhooks.filter((event) => event.channel === channel);
  const count = (name, user) => mine.filter((event) => event.name === name && (!user || event.user_id === user)).length;
  check(count('channel_occupied') === 1 && count('channel_vacated') === 1, `J: occupied/vacated ${JSON.stringify(mine)}`);
  check(count('member_added', process.env.TOKEN_A_ID) === 1 && count('member_added', idB) === 1,
    `J: member_added ${JSON.stringify(mine)}`);
  check(count('member_removed', process.env.TOKEN_A_ID) === 1 && count('member_removed', idB) === 1,
    `J: member_removed ${JSON.stringify(mine)}`);
  check(receiver.invalid === 0, `J: ${receiver.invalid} webhooks failed the SDK's check`);
  receiver.server.close();
  console.log('OK J presence, whisper, channel information, termination and webhooks across two nodes');
  console.log('DONE');
  closeInput();
  process.exit(0);
} catch (error) {
  fail(error && error.stack ? error.stack : String(error));
}
