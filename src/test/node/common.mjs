// Shared by the console's Node test clients: configuration from the environment, assertions, line protocol.
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

/** pusher-js authorization through /broadcasting/auth with the bearer token, resuming after cursors[channel]. */
export function authorizer(cursors = {}) {
  return {
    customHandler: async ({ socketId, channelName }, callback) => {
      try {
        const form = new URLSearchParams({ socket_id: socketId, channel_name: channelName });
        if (cursors[channelName] !== undefined) form.set('since', String(cursors[channelName]));
        const response = await fetch(`${env.base}/broadcasting/auth`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${env.token}`, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: form,
        });
        if (response.status !== 200) return callback(new Error(`auth answered ${response.status}`), null);
        callback(null, await response.json());
      } catch (error) {
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
