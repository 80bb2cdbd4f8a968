'use strict';
// Variant (b), the strongest plain Node.js: node:http in cluster mode, one worker per core,
// validating an opaque bearer token by its SHA-256 in a Map (what a server that keeps token
// hashes, as Gatehouse does, would do without a database in the way).
// Usage: node cluster-server.js PORT   Prints "ready PORT TOKEN" once every worker listens.
const cluster = require('node:cluster');
const crypto = require('node:crypto');
const http = require('node:http');
const os = require('node:os');
const benchUser = require('./user');

const port = Number(process.argv[2]);

if (cluster.isPrimary) {
  const token = crypto.randomBytes(32).toString('base64url');
  const workers = os.availableParallelism();
  let listening = 0;
  for (let i = 0; i < workers; i++) cluster.fork({ BENCH_TOKEN: token });
  cluster.on('listening', () => {
    if (++listening === workers) console.log(`ready ${port} ${token}`);
  });
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers)) worker.kill();
    process.exit(0);
  });
} else {
  const sha256 = (text) => crypto.createHash('sha256').update(text).digest('hex');
  // The user's JSON made once, as gatehouse-server keeps it between changes to the store.
  const sessions = new Map([[sha256(process.env.BENCH_TOKEN), JSON.stringify(benchUser())]]);
  const unauthorized = JSON.stringify({ error: 'unauthorized' });
  http
    .createServer((req, res) => {
      const header = req.headers.authorization || '';
      const user =
        req.method === 'GET' && req.url === '/auth/user' && header.startsWith('Bearer ')
          ? sessions.get(sha256(header.slice(7)))
          : undefined;
      if (!user) {
        res.writeHead(401, { 'Content-Type': 'application/json' });
        res.end(unauthorized);
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(user);
    })
    .listen(port, '127.0.0.1');
}
