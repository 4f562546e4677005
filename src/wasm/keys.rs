//! Fast string arguments: keys are copied straight into a reused scratch buffer in wasm memory
//! by a small JavaScript snippet, instead of wasm-bindgen's allocate-copy-free round trip per
//! string. Anything unusual (a non-string, a lone surrogate, a Proxy, a very long key) falls
//! back to the checked path in [`super::args`], which also produces the error message, so the
//! fast path never changes what is accepted or thrown.
//!
//! Batches are read in bounded chunks, never all at once: at most [`MAX_BATCH_KEYS`] keys, and
//! whatever the keys, wasm holds at most one chunk of them (about 1 MiB, or one longer key), so
//! neither wasm memory nor the table of JS values handed to wasm grows with the batch.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use super::args;
use super::call::Failure;

/// Keys longer than this (in UTF-8 bytes, worst case) use the checked path instead of growing
/// the scratch buffer for good; it also bounds a chunk of the checked path.
const MAX_SCRATCH: usize = 1 << 20;

/// The most keys a batch method accepts (2^24); a longer array (sparse or not) is a
/// `RangeError` naming the parameter and this limit.
pub(crate) const MAX_BATCH_KEYS: usize = 1 << 24;

/// The most keys the checked path reads into one chunk.
const CHECKED_CHUNK: u32 = 1024;

#[wasm_bindgen(module = "/js/keys.js")]
extern "C" {
    #[wasm_bindgen(js_name = ringleaseSetMemory)]
    fn set_memory(memory: &JsValue);
    #[wasm_bindgen(js_name = ringleaseKeyWriter)]
    fn key_writer() -> JsValue;
    #[wasm_bindgen(js_name = ringleaseWriteKey)]
    fn write_key(key: &JsValue, ptr: u32, cap: u32) -> i32;
    #[wasm_bindgen(js_name = ringleaseWriteKeys)]
    fn write_keys(keys: &JsValue, start: u32, end: u32, ptr: u32, cap: u32) -> i32;
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
    name: &str,
    f: impl FnOnce(&[u8]) -> R,
) -> Result<R, Failure> {
    let mut f = Some(f);
    let fast = fill(
        |ptr, cap| write_key(key, ptr, cap),
        |len, buffer| Some(f.take()?(buffer.get(..len as usize)?)),
    )
    .flatten();
    match (fast, f) {
        (Some(result), _) => Ok(result),
        (None, Some(f)) => Ok(f(args::string(key, name)?.as_bytes())),
        // `f` ran but its result was lost: impossible, as `read` returns it whenever it runs.
        (None, None) => Err(Failure::Plain("internal error decoding key".to_owned())),
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

/// Folds every key of the array `keys`, in order and chunk by chunk, into the state that
/// `init` makes from the array's length, or throws: a `TypeError` if `keys` is not an array, a
/// `RangeError` if it has more than [`MAX_BATCH_KEYS`] elements, else the checked path's error
/// naming the first bad element (a hole is `undefined`, so a `TypeError`). `each` receives the
/// keys' UTF-8 bytes ([`Keys`]) straight from the scratch buffer (or, for the keys the fast
/// path leaves to the checked path, from at most [`CHECKED_CHUNK`] decoded strings), so a batch
/// method makes one core call per chunk and never holds the whole batch. Every key is handed to
/// `each` exactly once.
pub(crate) fn fold_keys<S>(
    keys: &JsValue,
    name: &str,
    init: impl FnOnce(u32) -> Result<S, Failure>,
    mut each: impl FnMut(&mut S, Keys<'_>),
) -> Result<S, Failure> {
    let end = args::array_length(keys, name, MAX_BATCH_KEYS)?;
    let mut state = init(end)?;
    let mut start = 0u32;
    while start < end {
        let from = start;
        let fast = fill(
            |ptr, cap| write_keys(keys, from, end, ptr, cap),
            |result, buffer| {
                let count = result / 2;
                each(&mut state, Keys::scratch(buffer, count)?);
                Some(count)
            },
        )
        .flatten();
        match fast {
            Some(count) if count > 0 => start += count,
            _ => {
                let strings = checked_chunk(keys, start, end, name)?;
                start += strings.len() as u32;
                each(&mut state, Keys(KeySource::Strings(strings.iter())));
            }
        }
    }
    Ok(state)
}

/// Keys `start..end` of `keys` through the checked path, as many as fit in one chunk (at most
/// [`CHECKED_CHUNK`] keys and about [`MAX_SCRATCH`] bytes, at least one key).
fn checked_chunk(keys: &JsValue, start: u32, end: u32, name: &str) -> Result<Vec<String>, Failure> {
    let mut strings = Vec::new();
    let mut bytes = 0;
    let mut index = start;
    while index < end && index - start < CHECKED_CHUNK && bytes < MAX_SCRATCH {
        let key = js_sys::Reflect::get_u32(keys, index)?;
        let key = args::string(&key, &format!("{name}[{index}]"))?;
        bytes += key.len();
        strings.push(key);
        index += 1;
    }
    Ok(strings)
}
