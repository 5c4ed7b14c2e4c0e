// An S3-compatible server for the snapshot tests: s3rver on 127.0.0.1 and a free port, one bucket, files under
// --dir. Prints "READY <port>" once listening and one "REQUEST <method> <url>" line per request, so a test can
// see what the client really sent (multipart parts, for one). Stops when its standard input closes (the JVM that
// started it went away) or after --max-seconds, whichever comes first.
'use strict';
const S3rver = require('s3rver');

function option(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const directory = option('dir');
const bucket = option('bucket', 'snapshots');
const maxSeconds = Number(option('max-seconds', '1800'));
if (!directory) {
  console.error('usage: node s3rver.js --dir DIR [--bucket NAME] [--max-seconds N]');
  process.exit(2);
}

const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  directory,
  silent: true,
  configureBuckets: [{ name: bucket }],
});

server.run().then(address => {
  server.httpServer.on('request', request => console.log('REQUEST ' + request.method + ' ' + request.url));
  console.log('READY ' + address.port);
}, error => {
  console.error('s3rver failed to start: ' + error.message);
  process.exit(1);
});

const stop = () => {
  // keep-alive connections would hold close() open: exit shortly regardless
  setTimeout(() => process.exit(0), 2000).unref();
  server.close(() => process.exit(0));
};
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
setTimeout(stop, maxSeconds * 1000).unref();
