// Copies string keys straight into wasm memory for src/wasm/keys.rs, which imports this module
// (wasm-bindgen ships it in pkg/<entry>/snippets/). Shipped as is: comments here cost bytes.
let memory, bytes;
const encoder = new TextEncoder();
// A grown memory detaches its old buffer, whose views then have length 0: checking that is much
// cheaper than reading `memory.buffer` (a getter) on every call.
function view() {
  if (bytes === undefined || bytes.length === 0) bytes = new Uint8Array(memory.buffer);
  return bytes;
}
// Writes the UTF-8 of `key` at `at` (at most `cap` bytes). Returns the byte count, or -1 to ask
// for the checked path, or -(needed + 2) when `cap` is too small.
function put(mem, key, at, cap) {
  if (typeof key !== "string") return -1;
  const n = key.length;
  if (n > cap) return -(3 * n + 2);
  let i = 0;
  for (; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c > 0x7f) break;
    mem[at + i] = c;
  }
  if (i === n) return n;
  if (typeof key.isWellFormed !== "function" || !key.isWellFormed()) return -1;
  if (3 * n > cap) return -(3 * n + 2);
  return i + encoder.encodeInto(key.slice(i), mem.subarray(at + i, at + cap)).written;
}
export function ringleaseSetMemory(m) {
  memory = m;
  bytes = undefined;
}
export function ringleaseKeyWriter() {
  return ringleaseWriteKey;
}
export function ringleaseWriteKey(key, ptr, cap) {
  try {
    const mem = view();
    const n = put(mem, key, ptr, cap);
    // Writes into a view that memory growth detached are lost: then use the checked path.
    return mem.length === 0 ? -1 : n;
  } catch {
    return -1;
  }
}
// Writes keys[start..end] of an array as [u32 LE byte length][bytes] while they fit. Returns
// 2 × (keys written) + (1 if that reached `end`), -1 for the checked path (keys[start] is not a
// plain well-formed string), or -(needed + 2) when keys[start] alone does not fit. Reading an
// element may run JS (a getter, a Proxy trap) that grows wasm memory and detaches the view, so
// the view is renewed after every read.
export function ringleaseWriteKeys(keys, start, end, ptr, cap) {
  try {
    let mem = view();
    let at = 0,
      k = start;
    for (; k < end; k++) {
      const key = keys[k];
      if (mem.length === 0) mem = view();
      const n = at + 4 > cap ? -(3 * (typeof key === "string" ? key.length : 0) + 6) : put(mem, key, ptr + at + 4, cap - at - 4);
      if (mem.length === 0) return -1;
      if (n === -1) {
        if (k === start) return -1;
        break;
      }
      if (n < 0) {
        if (k === start) return -(-n - 2 + 4 + 2);
        break;
      }
      mem[ptr + at] = n & 255;
      mem[ptr + at + 1] = (n >>> 8) & 255;
      mem[ptr + at + 2] = (n >>> 16) & 255;
      mem[ptr + at + 3] = n >>> 24;
      at += 4 + n;
    }
    return 2 * (k - start) + (k === end ? 1 : 0);
  } catch {
    return -1;
  }
}
