// The demo authenticator: in the sandbox this page plays the demo user's phone. When an enrolment modal shows an
// otpauth:// link, the page keeps its secret (in this browser only, per demo user) and from then on shows the
// current code next to every step-up code field, computed here like an authenticator app does (RFC 6238:
// HMAC-SHA1 over the 30-second step, 6 digits) with the browser's WebCrypto. Never used outside the sandbox.

const KEY = user => `breakglass-demo-totp-${user}`;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The otpauth:// link in a view (the enrolment modal), or null. */
export function otpauthIn(view) {
  const m = JSON.stringify(view).match(/otpauth:\/\/totp\/[^`"\s\\]+/);
  return m ? m[0].replaceAll('&amp;', '&') : null;
}

/** Keeps the secret of `user`'s enrolment link. */
export function remember(user, uri) {
  const secret = new URL(uri).searchParams.get('secret');
  if (secret) localStorage.setItem(KEY(user), secret);
}

/** Whether the page knows a secret for `user`. */
export function knows(user) {
  return localStorage.getItem(KEY(user)) !== null;
}

/** The 6-digit code of `user`'s secret at `now` (milliseconds), or null when the page knows none. */
export async function code(user, now = Date.now()) {
  const secret = localStorage.getItem(KEY(user));
  if (!secret) return null;
  const key = await crypto.subtle.importKey('raw', base32(secret), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const step = new DataView(new ArrayBuffer(8));
  step.setBigUint64(0, BigInt(Math.floor(now / 1000 / 30)));
  const h = new Uint8Array(await crypto.subtle.sign('HMAC', key, step.buffer));
  const o = h[h.length - 1] & 0xf;
  const bin = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(bin % 1_000_000).padStart(6, '0');
}

function base32(text) {
  const clean = text.toUpperCase().replace(/=+$/, '');
  const out = [];
  let buffer = 0;
  let bits = 0;
  for (const c of clean) {
    buffer = (buffer << 5) | BASE32.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}
