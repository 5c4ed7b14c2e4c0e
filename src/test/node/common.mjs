// Shared by the console's Node test clients: configuration from the environment, assertions, line protocol.
import http from 'node:http';
import readline from 'node:readline';

export const env = {
  base: process.env.CONSOLE_BASE_URL,            // http://127.0.0.1:<port>
  token: process.env.CONSOLE_TOKEN,              // bearer token with console:subscribe
  appId: process.env.PUSHER_APP_ID,
  key: process.env.PUSHER_KEY,
  secret: process.env.PUSHER_SECRET,
};
export const port = Number(new URL(env.base).port);

export function fail(message) {
  console.log(`FAIL ${message}`);
  process.exit(1);
}

export function check(condition, message) {
  if (!condition) fail(message);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(predicate, what, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const lines = readline.createInterface({ input: process.stdin });
const waiting = [];
const received = [];
lines.on('line', (line) => (waiting.length ? waiting.shift()(line) : received.push(line)));

/** Waits for the next line the Java test writes to our stdin. */
export function nextLine() {
  return received.length ? Promise.resolve(received.shift()) : new Promise((resolve) => waiting.push(resolve));
}

export function closeInput() {
  lines.close();
}

/** Polls one page of a channel's events after a cursor. */
export async function poll(channel, after, limit = 100) {
  const response = await fetch(`${env.base}/api/channels/${channel}/events?after=${after}&limit=${limit}`, {
    headers: { Authorization: `Bearer ${env.token}` },
  });
  if (response.status !== 200) throw new Error(`poll answered ${response.status}`);
  return response.json();
}

/**
 * pusher-js authorization through /broadcasting/auth with a bearer token, resuming after cursors[channel];
 * mark(what) is told of each step (for timing traces).
 */
export function authorizer(cursors = {}, mark = () => {}, token = env.token) {
  return {
    customHandler: async ({ socketId, channelName }, callback) => {
      mark('auth');
      try {
        const form = new URLSearchParams({ socket_id: socketId, channel_name: channelName });
        if (cursors[channelName] !== undefined) form.set('since', String(cursors[channelName]));
        const response = await fetch(`${env.base}/broadcasting/auth`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: form,
        });
        mark(`auth-${response.status}`);
        if (response.status !== 200) return callback(new Error(`auth answered ${response.status}`), null);
        callback(null, await response.json());
      } catch (error) {
        mark('auth-failed');
        callback(error, null);
      }
    },
  };
}

export function pusherOptions(extra = {}) {
  return {
    wsHost: '127.0.0.1', wsPort: port, forceTLS: false, enabledTransports: ['ws'], cluster: 'local',
    disableStats: true, activityTimeout: 30000, ...extra,
  };
}

/**
 * A webhook receiver on WEBHOOK_PORT: every request is checked by the `pusher` SDK's own webhook validation
 * (X-Pusher-Key, X-Pusher-Signature); valid events go to `events`, the count of invalid requests to `invalid`.
 */
export function webhookReceiver(sdk) {
  const received = { events: [], invalid: 0, server: null };
  received.server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const webhook = sdk.webhook({ headers: request.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
      if (webhook.isValid()) received.events.push(...webhook.getEvents()); else received.invalid++;
      response.writeHead(200).end();
    });
  });
  return new Promise((resolve) => received.server.listen(Number(process.env.WEBHOOK_PORT), '127.0.0.1', () => resolve(received)));
}
