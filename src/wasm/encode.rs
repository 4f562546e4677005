//! Encoding core results as plain JavaScript values (objects, arrays, typed arrays).
//!
//! Ring results are built directly with [`Obj`] (fields set in order, names decoded once). The
//! lease views are `#[derive(Serialize)]` structs and enums, turned into JavaScript values by
//! [`plain`] through [`JsSerializer`]: a small serde serializer that makes exactly what
//! `serde_wasm_bindgen::Serializer::json_compatible()` made for these views (plain objects with
//! the fields in declaration order, arrays, numbers, strings, booleans, `null` for `None`), with
//! only the parts the views use, so the wasm stays small.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use js_sys::{Array, Object, Uint32Array};
use serde::ser::{self, Impossible};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::call::Failure;
use crate::core::ring::Node;
use crate::core::RingChange;

/// A view as a plain JSON-compatible JavaScript value.
pub(crate) fn plain<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, Failure> {
    value
        .serialize(JsSerializer)
        .map_err(|_| Failure::Plain("cannot encode the result as a JavaScript value".to_owned()))
}

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

    pub(crate) fn set(self, name: &'static str, value: &JsValue) -> Obj {
        self.0.set(&key(name), value);
        self
    }

    pub(crate) fn num(self, name: &'static str, value: f64) -> Obj {
        self.set(name, &JsValue::from_f64(value))
    }

    pub(crate) fn str(self, name: &'static str, value: &str) -> Obj {
        self.set(name, &JsValue::from_str(value))
    }

    pub(crate) fn bool(self, name: &'static str, value: bool) -> Obj {
        self.set(name, &JsValue::from_bool(value))
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

/// What [`JsSerializer`] refuses: values the views never contain (maps, bytes, integers above
/// 2^53, externally tagged enums).
#[derive(Debug)]
pub(crate) struct Unsupported;

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unsupported value")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(_message: T) -> Self {
        Unsupported
    }
}

/// Serializes a view into a JavaScript value (see the module docs).
pub(crate) struct JsSerializer;

/// An object being filled field by field.
pub(crate) struct ObjectSerializer(Object);

/// An array being filled element by element.
pub(crate) struct ArraySerializer(Array);

type Done = Result<JsValue, Unsupported>;

/// Integers cross as numbers, as long as they are exact.
fn integer(value: f64) -> Done {
    if value.abs() <= 9_007_199_254_740_991.0 {
        Ok(JsValue::from_f64(value))
    } else {
        Err(Unsupported)
    }
}

impl ser::Serializer for JsSerializer {
    type Ok = JsValue;
    type Error = Unsupported;
    type SerializeSeq = ArraySerializer;
    type SerializeTuple = ArraySerializer;
    type SerializeTupleStruct = Impossible<JsValue, Unsupported>;
    type SerializeTupleVariant = Impossible<JsValue, Unsupported>;
    type SerializeMap = Impossible<JsValue, Unsupported>;
    type SerializeStruct = ObjectSerializer;
    type SerializeStructVariant = Impossible<JsValue, Unsupported>;

    fn serialize_bool(self, v: bool) -> Done {
        Ok(JsValue::from_bool(v))
    }
    fn serialize_i8(self, v: i8) -> Done {
        integer(f64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Done {
        integer(f64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Done {
        integer(f64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Done {
        integer(v as f64)
    }
    fn serialize_u8(self, v: u8) -> Done {
        integer(f64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Done {
        integer(f64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Done {
        integer(f64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Done {
        integer(v as f64)
    }
    fn serialize_f32(self, v: f32) -> Done {
        Ok(JsValue::from_f64(f64::from(v)))
    }
    fn serialize_f64(self, v: f64) -> Done {
        Ok(JsValue::from_f64(v))
    }
    fn serialize_char(self, v: char) -> Done {
        let mut buffer = [0; 4];
        Ok(JsValue::from_str(v.encode_utf8(&mut buffer)))
    }
    fn serialize_str(self, v: &str) -> Done {
        Ok(JsValue::from_str(v))
    }
    fn serialize_bytes(self, _v: &[u8]) -> Done {
        Err(Unsupported)
    }
    fn serialize_none(self) -> Done {
        Ok(JsValue::NULL)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Done {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        Ok(JsValue::NULL)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Done {
        Ok(JsValue::NULL)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Done {
        Ok(key(variant))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Done {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Done {
        Err(Unsupported)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<ArraySerializer, Unsupported> {
        Ok(ArraySerializer(Array::new()))
    }
    fn serialize_tuple(self, _len: usize) -> Result<ArraySerializer, Unsupported> {
        Ok(ArraySerializer(Array::new()))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<ObjectSerializer, Unsupported> {
        Ok(ObjectSerializer(Object::new()))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        Err(Unsupported)
    }
}

impl ser::SerializeStruct for ObjectSerializer {
    type Ok = JsValue;
    type Error = Unsupported;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        let value = value.serialize(JsSerializer)?;
        self.0
            .unchecked_ref::<PlainObject>()
            .set(&key(name), &value);
        Ok(())
    }

    fn end(self) -> Done {
        Ok(self.0.into())
    }
}

impl ser::SerializeSeq for ArraySerializer {
    type Ok = JsValue;
    type Error = Unsupported;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.0.push(&value.serialize(JsSerializer)?);
        Ok(())
    }

    fn end(self) -> Done {
        Ok(self.0.into())
    }
}

impl ser::SerializeTuple for ArraySerializer {
    type Ok = JsValue;
    type Error = Unsupported;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Unsupported> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Done {
        ser::SerializeSeq::end(self)
    }
}
