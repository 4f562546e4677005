//! Fast string arguments: keys are copied straight into a reused scratch buffer in wasm memory
//! by a small JavaScript snippet, instead of wasm-bindgen's allocate-copy-free round trip per
//! string. Anything unusual (a non-string, a lone surrogate, a Proxy, a very long key) falls
//! back to the checked path in [`super::args`], which also produces the error message, so the
//! fast path never changes what is accepted or thrown.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use super::args;

/// Keys longer than this (in UTF-8 bytes, worst case) use the checked path instead of growing
/// the scratch buffer for good.
const MAX_SCRATCH: usize = 1 << 20;

#[wasm_bindgen(inline_js = r#"
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
export function ringleaseSetMemory(m) { memory = m; bytes = undefined; }
export function ringleaseKeyWriter() { return ringleaseWriteKey; }
export function ringleaseWriteKey(key, ptr, cap) {
  try { return put(view(), key, ptr, cap); } catch { return -1; }
}
// Writes keys[start..] of a plain array as [u32 LE byte length][bytes] while they fit. Returns
// 2 × (keys written) + (1 if that reached the end), -1 for the checked path, or -(needed + 2)
// when keys[start] alone does not fit.
export function ringleaseWriteKeys(keys, start, ptr, cap) {
  try {
    if (!Array.isArray(keys) || Object.getPrototypeOf(keys) !== Array.prototype) return -1;
    const mem = view();
    let at = 0, k = start;
    for (; k < keys.length; k++) {
      const n = at + 4 > cap ? -(3 * keys[k].length + 2) : put(mem, keys[k], ptr + at + 4, cap - at - 4);
      if (n === -1) return -1;
      if (n < 0) {
        if (k === start) return -(-n - 2 + 4 + 2);
        break;
      }
      mem[ptr + at] = n & 255; mem[ptr + at + 1] = (n >>> 8) & 255;
      mem[ptr + at + 2] = (n >>> 16) & 255; mem[ptr + at + 3] = n >>> 24;
      at += 4 + n;
    }
    return 2 * (k - start) + (k === keys.length ? 1 : 0);
  } catch { return -1; }
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = ringleaseSetMemory)]
    fn set_memory(memory: &JsValue);
    #[wasm_bindgen(js_name = ringleaseKeyWriter)]
    fn key_writer() -> JsValue;
    #[wasm_bindgen(js_name = ringleaseWriteKey)]
    fn write_key(key: &JsValue, ptr: u32, cap: u32) -> i32;
    #[wasm_bindgen(js_name = ringleaseWriteKeys)]
    fn write_keys(keys: &JsValue, start: u32, ptr: u32, cap: u32) -> i32;
}

struct Scratch {
    bytes: Vec<u8>,
    memory_set: bool,
}

impl Scratch {
    /// Hands the snippet wasm's memory once, before its first write.
    fn ensure_memory(&mut self) {
        if !self.memory_set {
            set_memory(&wasm_bindgen::memory());
            self.memory_set = true;
        }
    }
}

/// Size of [`JS_KEY`]: longer keys take the checked path.
const JS_KEY_CAP: usize = 4096;

thread_local! {
    static SCRATCH: RefCell<Scratch> = const {
        RefCell::new(Scratch { bytes: Vec::new(), memory_set: false })
    };
    /// The key buffer of the package's JS entry (`js/index.js`), which writes a key here itself
    /// and then calls wasm with its length: allocated once and never resized, so the address
    /// handed out by [`js_key_writer`] stays valid for the life of the instance.
    static JS_KEY: RefCell<Vec<u8>> = RefCell::new(vec![0; JS_KEY_CAP]);
}

/// For the package's JS entry: `[writeKey, ptr, cap]`, where `writeKey(key, ptr, cap)` writes
/// the UTF-8 of a well-formed string key into wasm memory and returns its length (negative:
/// use the checked path), and `ptr`/`cap` locate [`JS_KEY`]. Read it back with
/// [`with_js_key`].
pub(crate) fn js_key_writer() -> js_sys::Array {
    SCRATCH.with(|cell| {
        if let Ok(mut scratch) = cell.try_borrow_mut() {
            scratch.ensure_memory();
        }
    });
    let ptr = JS_KEY.with(|cell| cell.borrow().as_ptr() as usize as u32);
    [key_writer(), ptr.into(), (JS_KEY_CAP as u32).into()]
        .iter()
        .collect()
}

/// Calls `f` with the first `len` bytes of [`JS_KEY`] (a key the JS entry wrote there);
/// `None` if `len` is out of range.
pub(crate) fn with_js_key<R>(len: u32, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
    JS_KEY.with(|cell| Some(f(cell.try_borrow().ok()?.get(..len as usize)?)))
}

/// Runs `write` against the scratch buffer, growing it when asked (up to [`MAX_SCRATCH`]), and
/// hands its non-negative result and the buffer to `read`. `None` means "use the checked path"
/// (or the buffer is busy).
fn fill<R>(write: impl Fn(u32, u32) -> i32, read: impl FnOnce(u32, &[u8]) -> R) -> Option<R> {
    SCRATCH.with(|cell| {
        let mut scratch = cell.try_borrow_mut().ok()?;
        scratch.ensure_memory();
        if scratch.bytes.is_empty() {
            scratch.bytes.resize(1 << 16, 0);
        }
        loop {
            let buffer = &mut scratch.bytes;
            let result = write(buffer.as_mut_ptr() as usize as u32, buffer.len() as u32);
            if result >= 0 {
                return Some(read(result as u32, buffer));
            }
            let needed = (-(i64::from(result)) - 2) as usize;
            if result == -1 || needed > MAX_SCRATCH || needed <= buffer.len() {
                return None;
            }
            buffer.resize(needed, 0);
        }
    })
}

/// Calls `f` with the UTF-8 bytes of the string `key`, or throws the checked path's error
/// (`TypeError` for a non-string, `RangeError` for a lone surrogate).
pub(crate) fn with_key<R>(
    key: &JsValue,
    context: &str,
    name: &str,
    f: impl FnOnce(&[u8]) -> R,
) -> Result<R, JsValue> {
    let mut f = Some(f);
    let fast = fill(
        |ptr, cap| write_key(key, ptr, cap),
        |len, buffer| Some(f.take()?(buffer.get(..len as usize)?)),
    )
    .flatten();
    match (fast, f) {
        (Some(result), _) => Ok(result),
        (None, Some(f)) => Ok(f(args::string(key, context, name)?.as_bytes())),
        // `f` ran but its result was lost: impossible, as `read` returns it whenever it runs.
        (None, None) => Err(super::errors::error(context, "internal error decoding key")),
    }
}

/// The UTF-8 bytes of a run of keys, in order: either a chunk of the scratch buffer as
/// [`fold_keys`] receives it (`[u32 LE byte length][bytes]` per key, checked to be well formed
/// before it is handed out) or the strings of the checked path.
pub(crate) struct Keys<'a>(KeySource<'a>);

enum KeySource<'a> {
    Scratch { rest: &'a [u8], left: u32 },
    Strings(std::slice::Iter<'a, String>),
}

impl<'a> Keys<'a> {
    /// The first `count` keys of a scratch `buffer`, or `None` if their headers run past its end.
    fn scratch(buffer: &'a [u8], count: u32) -> Option<Keys<'a>> {
        let scratch = || {
            Keys(KeySource::Scratch {
                rest: buffer,
                left: count,
            })
        };
        // Walk the headers first: a malformed chunk goes to the checked path before any key
        // of it is used.
        let mut check = scratch();
        for _ in 0..count {
            check.next()?;
        }
        Some(scratch())
    }
}

impl<'a> Iterator for Keys<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        match &mut self.0 {
            KeySource::Scratch { rest, left } => {
                if *left == 0 {
                    return None;
                }
                let (header, tail) = (rest.get(..4)?, rest.get(4..)?);
                let len = u32::from_le_bytes(<[u8; 4]>::try_from(header).ok()?) as usize;
                let key = tail.get(..len)?;
                *rest = tail.get(len..)?;
                *left -= 1;
                Some(key)
            }
            KeySource::Strings(strings) => strings.next().map(String::as_bytes),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            // Exact: `Keys::scratch` checked that every header is in bounds.
            KeySource::Scratch { left, .. } => (*left as usize, Some(*left as usize)),
            KeySource::Strings(strings) => strings.size_hint(),
        }
    }
}

/// Folds every key of the array `keys`, in order and chunk by chunk, into a state made by
/// `init`, or throws the checked path's error naming the first bad element. `each` receives the
/// keys' UTF-8 bytes ([`Keys`]) straight from the scratch buffer, without them being gathered
/// into one buffer first, so a batch method makes one core call per chunk. If the fast path
/// gives up part way, the state is made afresh and every key goes through the checked path (one
/// chunk), so the result is the same.
pub(crate) fn fold_keys<S>(
    keys: &JsValue,
    context: &str,
    name: &str,
    init: impl Fn() -> S,
    mut each: impl FnMut(&mut S, Keys<'_>),
) -> Result<S, JsValue> {
    let mut state = init();
    let mut start = 0u32;
    loop {
        let from = start;
        let done = fill(
            |ptr, cap| write_keys(keys, from, ptr, cap),
            |result, buffer| {
                let count = result / 2;
                each(&mut state, Keys::scratch(buffer, count)?);
                start += count;
                Some(result % 2 == 1)
            },
        )
        .flatten();
        match done {
            Some(true) => return Ok(state),
            Some(false) => {}
            None => break,
        }
    }
    let strings = args::strings(keys, context, name)?;
    let mut state = init();
    each(&mut state, Keys(KeySource::Strings(strings.iter())));
    Ok(state)
}

/// Calls `f` with the UTF-8 bytes of every key of the array `keys`, or throws the checked
/// path's error naming the first bad element. Built on [`fold_keys`]: the keys are gathered into
/// one contiguous buffer (their UTF-8 size) plus their end offsets, never one allocation per key.
pub(crate) fn with_keys<R>(
    keys: &JsValue,
    context: &str,
    name: &str,
    f: impl FnOnce(&[&[u8]]) -> R,
) -> Result<R, JsValue> {
    let (all, ends) = fold_keys(
        keys,
        context,
        name,
        || (Vec::new(), Vec::new()),
        |(all, ends): &mut (Vec<u8>, Vec<usize>), chunk| {
            for key in chunk {
                all.extend_from_slice(key);
                ends.push(all.len());
            }
        },
    )?;
    let mut slices = Vec::with_capacity(ends.len());
    let mut begin = 0;
    for &end in &ends {
        slices.push(all.get(begin..end).unwrap_or_default());
        begin = end;
    }
    Ok(f(&slices))
}
