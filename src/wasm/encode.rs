//! Encoding core results as plain JavaScript values (objects, arrays, typed arrays). Every
//! object the bindings return is built with [`Obj`]: fields set in order, each field name
//! decoded into a JavaScript string once.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Object, Uint32Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::ring::Node;
use crate::core::RingChange;

/// A `RingChange` as `{ movedFraction, arcs: [{ start, end, from, to }] }` (`null` for "no
/// live node").
pub(crate) fn change(change: &RingChange) -> JsValue {
    // Arcs share their ids (`Rc<str>` per node): each id becomes a JavaScript string once.
    let mut ids: Vec<(usize, JsValue)> = Vec::new();
    ids.resize_with(ID_SLOTS, || (0, JsValue::NULL));
    let mut id = |id: &Option<Rc<str>>| -> JsValue {
        let Some(id) = id else {
            return JsValue::NULL;
        };
        let address = id.as_ptr() as usize;
        match ids.get_mut((address >> 3) % ID_SLOTS) {
            Some(slot) => {
                if slot.0 != address {
                    *slot = (address, JsValue::from_str(id));
                }
                slot.1.clone()
            }
            None => JsValue::from_str(id),
        }
    };
    let arcs = Array::new();
    for arc in &change.arcs {
        let from = id(&arc.from);
        let to = id(&arc.to);
        arcs.push(
            &Obj::new()
                .num("start", f64::from(arc.start))
                .num("end", f64::from(arc.end))
                .set("from", &from)
                .set("to", &to)
                .done(),
        );
    }
    Obj::new()
        .num("movedFraction", change.moved_fraction)
        .set("arcs", &arcs)
        .done()
}

const ID_SLOTS: usize = 256;

/// The node list as `[{ id, weight, points, up }]`.
pub(crate) fn nodes(nodes: &[Node]) -> JsValue {
    nodes
        .iter()
        .map(|node| {
            let object = Obj::new()
                .str("id", &node.id)
                .num("weight", node.weight)
                .num("points", f64::from(node.points))
                .bool("up", node.up);
            match &node.label {
                Some(label) => object.str("label", label).done(),
                None => object.done(),
            }
        })
        .collect::<Array>()
        .into()
}

/// `{ positions: Uint32Array, owners: Uint32Array }` (copies, safe across memory growth).
pub(crate) fn points(positions: &[u32], owners: &[u32]) -> JsValue {
    Obj::new()
        .set("positions", &Uint32Array::from(positions).into())
        .set("owners", &Uint32Array::from(owners).into())
        .done()
}

#[wasm_bindgen]
extern "C" {
    /// A plain object, written with `object[key] = value` (cannot throw on a fresh `{}`).
    type PlainObject;

    #[wasm_bindgen(method, indexing_setter)]
    fn set(this: &PlainObject, key: &JsValue, value: &JsValue);
}

/// A plain object being built, field by field, in the order the fields are set.
pub(crate) struct Obj(PlainObject);

impl Obj {
    pub(crate) fn new() -> Obj {
        Obj(Object::new().unchecked_into())
    }

    #[inline(never)]
    pub(crate) fn set(self, name: &'static str, value: &JsValue) -> Obj {
        self.0.set(&key(name), value);
        self
    }

    #[inline(never)]
    pub(crate) fn num(self, name: &'static str, value: f64) -> Obj {
        self.set(name, &JsValue::from_f64(value))
    }

    #[inline(never)]
    pub(crate) fn str(self, name: &'static str, value: &str) -> Obj {
        self.set(name, &JsValue::from_str(value))
    }

    #[inline(never)]
    pub(crate) fn bool(self, name: &'static str, value: bool) -> Obj {
        self.set(name, &JsValue::from_bool(value))
    }

    /// Sets `name` to `value` if there is one; leaves it out otherwise.
    pub(crate) fn maybe_str(self, name: &'static str, value: Option<&str>) -> Obj {
        match value {
            Some(value) => self.str(name, value),
            None => self,
        }
    }

    /// Sets `name` to `value` if there is one; leaves it out otherwise.
    pub(crate) fn maybe_num(self, name: &'static str, value: Option<f64>) -> Obj {
        match value {
            Some(value) => self.num(name, value),
            None => self,
        }
    }

    pub(crate) fn done(self) -> JsValue {
        self.0.into()
    }
}

thread_local! {
    /// Field names as JavaScript strings, by the address of their `&'static str` (a small
    /// direct-mapped cache: a name is decoded once, not on every object).
    static KEYS: RefCell<Vec<(usize, usize, JsValue)>> = const { RefCell::new(Vec::new()) };
}

const KEY_SLOTS: usize = 64;

fn key(name: &'static str) -> JsValue {
    let address = name.as_ptr() as usize;
    KEYS.with(|cell| {
        let Ok(mut keys) = cell.try_borrow_mut() else {
            return JsValue::from_str(name);
        };
        if keys.is_empty() {
            keys.resize_with(KEY_SLOTS, || (0, 0, JsValue::UNDEFINED));
        }
        let Some(slot) = keys.get_mut(address % KEY_SLOTS) else {
            return JsValue::from_str(name);
        };
        if slot.0 != address || slot.1 != name.len() {
            *slot = (address, name.len(), JsValue::from_str(name));
        }
        slot.2.clone()
    })
}
