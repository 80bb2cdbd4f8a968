'use strict';
// Variant (a), the seeds' stack: Express with a JSON body parser, sign-in by scrypt with the
// same parameters as Gatehouse (N=2^17, r=8, p=1) through Node's crypto.scrypt (OpenSSL, on
// libuv's thread pool), and a JSON Web Token from jsonwebtoken (HS256) as the bearer
// credential, verified on every GET /auth/user.
// Usage: BENCH_PASSWORD=... node express-server.js PORT
// Prints "ready PORT TOKEN" (a token for the one user) once it listens.
const crypto = require('node:crypto');
const express = require('express');
const jwt = require('jsonwebtoken');
const benchUser = require('./user');

const port = Number(process.argv[2]);
const secret = crypto.randomBytes(32);
const user = benchUser();
const scryptOptions = { N: 131072, r: 8, p: 1, maxmem: 256 * 1024 * 1024 };
const salt = crypto.randomBytes(16);
const stored = crypto.scryptSync(process.env.BENCH_PASSWORD, salt, 64, scryptOptions);
const unauthorized = { error: 'unauthorized' };

const app = express();
app.use(express.json());

app.post('/auth/login', (req, res) => {
  const { username, password } = req.body || {};
  if (username !== user.username || typeof password !== 'string') {
    res.status(401).json(unauthorized);
    return;
  }
  crypto.scrypt(password, salt, 64, scryptOptions, (error, derived) => {
    if (error || !crypto.timingSafeEqual(derived, stored)) {
      res.status(401).json(unauthorized);
      return;
    }
    const token = jwt.sign({ sub: user.id }, secret, { expiresIn: '30m' });
    res.json({ token, expiresAt: new Date(Date.now() + 30 * 60 * 1000).toISOString() });
  });
});

app.get('/auth/user', (req, res) => {
  const header = req.get('authorization') || '';
  try {
    const claims = jwt.verify(header.replace(/^Bearer /, ''), secret);
    if (claims.sub !== user.id) throw new Error('unknown user');
    res.set('Cache-Control', 'no-store').json(user);
  } catch {
    res.status(401).json(unauthorized);
  }
});

app.listen(port, '127.0.0.1', () => {
  const token = jwt.sign({ sub: user.id }, secret, { expiresIn: '1h' });
  console.log(`ready ${port} ${token}`);
});
