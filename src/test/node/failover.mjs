// Fault test clients, driven by ConsoleFailoverIT: SUBSCRIBERS pusher-js clients on one private channel and a
// publisher at RATE events/s through the HTTP API (the official `pusher` SDK). The test kill -9s the server and
// restarts it, then writes "BACK <epoch ms>" here (the moment the restarted server reported ready).
//
// What each client does is what a browser dashboard should do: while its socket is down it polls with
// after=<last id>; once a poll is answered again it asks pusher-js to reconnect now (pusher-js alone would wait out
// its connection strategy's 15-60 s timeout after refused attempts), and it resubscribes with a signed `since` of
// the last id it has, so push resumes exactly where polling left off. Events are accepted once, by id.
//
// At the end every client must hold the identical, complete, ordered sequence, containing every acknowledged event;
// RESULT_FILE receives client 0's ids and the acknowledged ids for the Java test to compare with the durable log.
import { writeFileSync } from 'node:fs';
import Pusher from 'pusher-js';
import PusherServer from 'pusher';
import { env, port, check, until, sleep, nextLine, closeInput, poll, authorizer, pusherOptions } from './common.mjs';

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS || 10);
const RATE = Number(process.env.RATE || 500);
// a reconnect is asked for at most this often: a WebSocket handshake to a cold server can take a second or two,
// and asking again would abort it and start over
const KICK_EVERY_MS = 5000;
const channel = `private-run.failover-${Date.now()}`;
const server = new PusherServer({ appId: env.appId, key: env.key, secret: env.secret, host: '127.0.0.1', port: String(port), useTLS: false, timeout: 2000 });

class Client {
  constructor(index) {
    this.index = index;
    this.seqs = [];
    this.ns = [];
    this.last = 0;
    this.cursors = {};
    this.back = null;
    this.firstPushAfter = null;   // epoch ms of the first pushed event once the server is back
    this.pushDuplicates = 0;      // pushed events at or below an id already pushed on the same subscription
    this.lastPushed = 0;
    this.polling = false;
    this.lastKick = 0;
    this.trace = [];
    this.mark = (what) => this.trace.push([what, Date.now()]);
    this.pusher = new Pusher(env.key, pusherOptions({ channelAuthorization: authorizer(this.cursors, this.mark), activityTimeout: 5000, pongTimeout: 2000 }));
    this.subscribed = false;
    this.channel = this.pusher.subscribe(channel);
    this.channel.bind('pusher:subscription_succeeded', (data) => {
      this.subscribed = true;
      this.lastPushed = data._seq;
      this.mark('subscribed');
      if (this.last === 0) this.last = data._seq;
    });
    // pusher-js does not retry a subscription whose authorization failed (the server was still starting, say)
    this.channel.bind('pusher:subscription_error', () => {
      this.mark('subscription-error');
      setTimeout(() => this.pusher.subscribe(channel), 500);
    });
    this.channel.bind('console.line', (data) => {
      if (this.back !== null && this.firstPushAfter === null) {
        this.firstPushAfter = Date.now();
        this.mark('push');
      }
      if (data._seq <= this.lastPushed) this.pushDuplicates++;
      this.lastPushed = data._seq;
      this.accept(data.n, data._seq);
    });
    this.pusher.connection.bind('state_change', ({ current }) => {
      this.mark(current);
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
    let failing = false;
    while (!(this.pusher.connection.state === 'connected' && this.subscribed)) {
      try {
        for (;;) {
          const page = await poll(channel, this.last, 500);
          page.events.forEach((event) => this.accept(event.data.n, event.id));
          if (failing) this.mark('poll-ok');
          failing = false;
          // the server answers: reconnect now, while the backlog is still being read (push resumes after the last
          // id held when it resubscribes; whichever path brings an id first has it accepted, the other is ignored)
          if (this.pusher.connection.state !== 'connected' && Date.now() - this.lastKick > KICK_EVERY_MS) {
            this.lastKick = Date.now();
            this.mark('reconnect');
            this.pusher.disconnect();
            this.pusher.connect();
          }
          if (!page.more || (this.pusher.connection.state === 'connected' && this.subscribed)) break;
        }
      } catch (down) {
        failing = true;
      }
      await sleep(100);
    }
    this.polling = false;
  }
}

const clients = Array.from({ length: SUBSCRIBERS }, (_, i) => new Client(i));
await until(() => clients.every((client) => client.subscribed), 'all subscriptions', 30000);

const acknowledged = new Map();   // n -> id
let stop = false;
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
const relative = (client) => client.trace.filter(([, at]) => at > backAt - 15000).map(([what, at]) => `${what}@${at - backAt}`).join(' ');
const firstDifference = (a, b) => { let i = 0; while (i < a.length && a[i] === b[i]) i++; return i; };
clients.forEach((client) => {
  const at = firstDifference(client.seqs, clients[0].seqs);
  check(JSON.stringify(client.seqs) === reference, `client ${client.index} differs from client 0 at index ${at} `
    + `(lengths ${client.seqs.length}/${clients[0].seqs.length}): ${JSON.stringify(client.seqs.slice(Math.max(0, at - 3), at + 5))} `
    + `vs ${JSON.stringify(clients[0].seqs.slice(Math.max(0, at - 3), at + 5))}; ns ${JSON.stringify(client.ns.slice(Math.max(0, at - 3), at + 5))} `
    + `vs ${JSON.stringify(clients[0].ns.slice(Math.max(0, at - 3), at + 5))}; traces: ${relative(client)} | ${relative(clients[0])}`);
  for (let i = 1; i < client.seqs.length; i++) check(client.seqs[i] > client.seqs[i - 1], `client ${client.index} out of order`);
  check(new Set(client.ns).size === client.ns.length, `client ${client.index} got an event twice`);
  const got = new Set(client.ns);
  for (const n of acknowledged.keys()) check(got.has(n), `client ${client.index} lacks acknowledged event ${n}`);
  check(client.firstPushAfter !== null, `client ${client.index} never got push again`);
});
writeFileSync(process.env.RESULT_FILE, JSON.stringify({ ids: clients[0].seqs, acknowledged: [...acknowledged.values()] }));
console.log(`RESULT ${JSON.stringify({ channel, acknowledged: acknowledged.size, received: clients[0].seqs.length,
  pushResumedMs: clients.map((client) => client.firstPushAfter - backAt),
  pushDuplicates: clients.reduce((sum, client) => sum + client.pushDuplicates, 0),
  traces: clients.map(relative) })}`);
clients.forEach((client) => client.pusher.disconnect());
console.log('DONE');
closeInput();
process.exit(0);
