// `node:crypto` for the browser run of the JS suites (tests/browser-harness/index.html maps the specifier
// here): createHash("sha1") only, in plain JS (FIPS 180-4), synchronous like Node's, for the
// reference ring of scripts/gen-golden.mjs. WebCrypto's digest is asynchronous, so it cannot stand
// in. tests/page/js-suites.test.mjs checks it against Node's node:crypto.

const encoder = new TextEncoder();

/** SHA-1 of `bytes` (Uint8Array): 20 bytes. */
export function sha1(bytes) {
  const length = bytes.length;
  const total = (((length + 8) >>> 6) + 1) << 6; // message + 0x80 + 64-bit length, in 64-byte blocks
  const block = new Uint8Array(total);
  block.set(bytes);
  block[length] = 0x80;
  const view = new DataView(block.buffer);
  view.setUint32(total - 8, Math.floor(length / 0x20000000)); // bit length, high word
  view.setUint32(total - 4, (length * 8) >>> 0); // bit length, low word
  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;
  const w = new Int32Array(80);
  for (let offset = 0; offset < total; offset += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getInt32(offset + 4 * i);
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let i = 0; i < 80; i++) {
      let f;
      let k;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  const out = new Uint8Array(20);
  const outView = new DataView(out.buffer);
  for (const [i, h] of [h0, h1, h2, h3, h4].entries()) outView.setInt32(4 * i, h);
  return out;
}

const NOT_SUPPORTED = "is not supported by the browser shim of node:crypto (tests/browser-harness/node-crypto.mjs)";

/** createHash("sha1"): update(Uint8Array | string[, "utf8"]) any number of times, then digest([ "hex" ]). */
export function createHash(algorithm) {
  if (String(algorithm).toLowerCase() !== "sha1") throw new Error(`createHash(${JSON.stringify(algorithm)}) ${NOT_SUPPORTED}`);
  const chunks = [];
  let finished = false;
  const hash = {
    update(data, encoding) {
      if (finished) throw new Error("Digest already called");
      if (typeof data === "string") {
        if (encoding !== undefined && !/^utf-?8$/i.test(encoding))
          throw new Error(`update(string, ${JSON.stringify(encoding)}) ${NOT_SUPPORTED}`);
        chunks.push(encoder.encode(data));
      } else if (data instanceof Uint8Array) {
        chunks.push(data.slice());
      } else {
        throw new TypeError(`update(${Object.prototype.toString.call(data)}) ${NOT_SUPPORTED}`);
      }
      return hash;
    },
    digest(encoding) {
      if (finished) throw new Error("Digest already called");
      finished = true;
      const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) {
        all.set(c, at);
        at += c.length;
      }
      const out = sha1(all);
      if (encoding === undefined) return out;
      if (encoding === "hex") return Array.from(out, (x) => x.toString(16).padStart(2, "0")).join("");
      throw new Error(`digest(${JSON.stringify(encoding)}) ${NOT_SUPPORTED}`);
    },
  };
  return hash;
}
