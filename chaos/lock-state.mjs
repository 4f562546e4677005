// Reads a lock's stored state (the value of its `…:lock` key, as `RedisLeases`' scripts write
// it) into `{ h?, le?, lt, … }`: the compact form (first byte 1; described in redis/scripts.js)
// or MessagePack, whichever the script chose.
import { decode } from "@msgpack/msgpack";

/** @param {Uint8Array} bytes @returns {any} */
export function decodeLockState(bytes) {
  if (bytes[0] !== 1) return decode(bytes);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 2;
  const int = () => {
    const n = Number(buf.readBigInt64BE(i));
    i += 8;
    return n;
  };
  const str = () => {
    const len = buf.readUInt32BE(i);
    const s = buf.toString("utf8", i + 4, i + 4 + len);
    i += 4 + len;
    return s;
  };
  const flags = buf[1];
  const state = { lt: int() };
  if (flags & 1) {
    const h = { o: str(), t: int(), g: int(), e: int() };
    const r = str();
    const a = str();
    if (r !== "") h.r = r;
    if (a !== "") h.a = a;
    state.h = h;
  }
  if (flags & 2) {
    const o = str();
    const t = int();
    const x = buf[i++] === 1;
    state.le = { o, t, x, at: int() };
  }
  return state;
}
