// Fault test clients, driven by ConsoleFailoverIT: SUBSCRIBERS pusher-js clients on one private channel and a
// publisher at RATE events/s through the HTTP API (the official `pusher` SDK). The test kill -9s the server and
// restarts it, then writes "BACK <epoch ms>" here. While a socket is down its client polls; once a poll answers,
// it reconnects at once and resumes push after the last id it has (signed `since`). At the end every client must
// hold the identical, complete, ordered sequence, containing every acknowledged event.
import Pusher from 'pusher-js';
import PusherServer from 'pusher';
import { env, port, check, fail, until, sleep, nextLine, closeInput, poll, authorizer, pusherOptions } from './common.mjs';

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS || 10);
const RATE = Number(process.env.RATE || 500);
const channel = `private-run.failover-${Date.now()}`;
const server = new PusherServer({ appId: env.appId, key: env.key, secret: env.secret, host: '127.0.0.1', port: String(port), useTLS: false, timeout: 2000 });

class Client {
  constructor(index) {
    this.index = index;
    this.seqs = [];
    this.ns = [];
    this.last = 0;
    this.cursors = {};
    this.firstPushAfter = null;   // epoch ms of the first pushed event once the server is back
    this.back = null;
    this.polling = false;
    this.lastReconnect = 0;
    this.pusher = new Pusher(env.key, pusherOptions({ channelAuthorization: authorizer(this.cursors), activityTimeout: 5000, pongTimeout: 2000 }));
    this.subscribed = false;
    this.channel = this.pusher.subscribe(channel);
    this.channel.bind('pusher:subscription_succeeded', (data) => {
      this.subscribed = true;
      if (this.last === 0) this.last = data._seq;
    });
    this.channel.bind('console.line', (data) => {
      if (this.back !== null && this.firstPushAfter === null) this.firstPushAfter = Date.now();
      this.accept(data.n, data._seq);
    });
    this.pusher.connection.bind('state_change', ({ current }) => {
      if (current !== 'connected') {
        this.subscribed = false;
        this.startPolling();
      }
    });
  }

  accept(n, seq) {
    if (seq <= this.last) return;
    this.seqs.push(seq);
    this.ns.push(n);
    this.last = seq;
    this.cursors[channel] = seq;
  }

  async startPolling() {
    if (this.polling) return;
    this.polling = true;
    while (!(this.pusher.connection.state === 'connected' && this.subscribed)) {
      try {
        for (;;) {
          const page = await poll(channel, this.last, 500);
          page.events.forEach((event) => this.accept(event.data.n, event.id));
          if (!page.more) break;
        }
        // the server answers again: do not wait for the socket's back-off
        if (this.pusher.connection.state !== 'connected' && Date.now() - this.lastReconnect > 1000) {
          this.lastReconnect = Date.now();
          this.pusher.disconnect();
          this.pusher.connect();
        }
      } catch (down) {
        // still down: keep polling
      }
      await sleep(200);
    }
    this.polling = false;
  }
}

const clients = Array.from({ length: SUBSCRIBERS }, (_, i) => new Client(i));
await until(() => clients.every((client) => client.subscribed), 'all subscriptions', 30000);

const acknowledged = new Map();   // n -> id
let stop = false;
let sent = 0;
let inFlight = 0;
const publisher = (async () => {
  let start = Date.now();
  let slot = 0;
  for (let n = 0; !stop; n++, slot++) {
    let due = start + (slot * 1000) / RATE;
    if (Date.now() - due > 1000) {      // the server was gone: keep the rate, do not burst to catch up
      start = Date.now();
      slot = 0;
      due = start;
    }
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    if (inFlight >= 200) { n--; slot--; await sleep(5); continue; }
    inFlight++;
    sent++;
    server.trigger(channel, 'console.line', { n }).then(async (response) => {
      if (response.status === 200) acknowledged.set(n, (await response.json()).ids[channel]);
    }).catch(() => {}).finally(() => inFlight--);
  }
})();

console.log(`RUNNING ${channel}`);
const back = await nextLine();
check(back.startsWith('BACK '), `unexpected line ${back}`);
const backAt = Number(back.substring(5));
clients.forEach((client) => (client.back = backAt));
await sleep(4000);
stop = true;
await publisher;
await until(() => inFlight === 0, 'the last publishes', 10000);
const maxAcked = Math.max(...acknowledged.values());
await until(() => clients.every((client) => client.last >= maxAcked), 'every client to reach the last acknowledged id', 20000);
await sleep(500);
const reference = JSON.stringify(clients[0].seqs);
clients.forEach((client) => {
  check(JSON.stringify(client.seqs) === reference, `client ${client.index} differs from client 0`);
  for (let i = 1; i < client.seqs.length; i++) check(client.seqs[i] > client.seqs[i - 1], `client ${client.index} out of order`);
  check(new Set(client.ns).size === client.ns.length, `client ${client.index} got an event twice`);
  const got = new Set(client.ns);
  for (const n of acknowledged.keys()) check(got.has(n), `client ${client.index} lacks acknowledged event ${n}`);
  check(client.firstPushAfter !== null, `client ${client.index} never got push again`);
});
const resumes = clients.map((client) => client.firstPushAfter - backAt);
console.log(`RESULT ${JSON.stringify({ channel, sent, acknowledged: acknowledged.size, received: clients[0].seqs.length,
  firstId: clients[0].seqs[0], lastId: clients[0].seqs.at(-1), pushResumedMs: resumes })}`);
clients.forEach((client) => client.pusher.disconnect());
console.log('DONE');
closeInput();
process.exit(0);
