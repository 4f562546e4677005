// Receiver checks for the classes wasm-bindgen generates.
//
// A generated method hands `this.__wbg_ptr` to wasm as a pointer to its own Rust type, whatever
// `this` is: `HashRing.prototype.addNode.call(new LeaseTable(), "x")` would make wasm read a
// LeaseTable as a HashRing (memory corruption, a trap, or a wrong answer). `guardReceivers`
// brands every object the generated code gives a pointer (the constructor and the static
// factories both assign `obj.__wbg_ptr`, which a setter on the prototype intercepts) and wraps
// every method, getter and setter of the prototype so that it first checks that `this` carries
// its class's brand: anything else (another class's object, a plain object, an object made with
// `Object.create(Class.prototype)`, a Proxy, `undefined`) is a TypeError, before wasm is called.
// The brand is a private class field, so it cannot be forged or copied, and checking it is a
// cheap property test.

/** Returns its argument from `super()`, so that a subclass can stamp a private field on any object. */
class Stamp {
  constructor(object) {
    // biome-ignore lint/correctness/noConstructorReturn: returning the object is how the stamp works.
    return object;
  }
}

/** A new brand: `mark(object)` stamps it, `has(object)` tests it. */
function newBrand() {
  return class Brand extends Stamp {
    #branded = true;

    static mark(object) {
      if (!Brand.has(object)) new Brand(object);
    }

    static has(object) {
      return typeof object === "object" && object !== null && #branded in object;
    }
  };
}

const guarded = new Map(); // class → its brand
const originals = new Map(); // class → Map(method name → the generated method, unguarded)

/** "a LeaseTable", "a plain object", "undefined", … for error messages. */
function describe(value) {
  if (value === undefined || value === null) return String(value);
  if (typeof value !== "object" && typeof value !== "function") return `a ${typeof value}`;
  for (const [cls, brand] of guarded) if (brand.has(value)) return `a ${cls.name}`;
  return "an object that is not one of its instances";
}

function refuse(cls, name, receiver) {
  return new TypeError(`${cls.name}.${name}: called on ${describe(receiver)}, not a ${cls.name}`);
}

/**
 * Guards every method, getter and setter of each wasm-bindgen class in `classes` against a
 * foreign `this` (see the top of this file). Call it once, when the module loads, after any
 * change to the prototypes; calling it again for a class does nothing.
 */
export function guardReceivers(classes) {
  for (const cls of classes) {
    if (guarded.has(cls)) continue;
    const brand = newBrand();
    guarded.set(cls, brand);
    const prototype = cls.prototype;
    for (const key of Reflect.ownKeys(prototype)) {
      if (key === "constructor") continue;
      const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
      const name = typeof key === "symbol" ? `[${key.description}]` : key;
      if (typeof descriptor.value === "function") {
        if (!originals.has(cls)) originals.set(cls, new Map());
        originals.get(cls).set(key, descriptor.value);
      }
      for (const part of ["value", "get", "set"]) {
        const original = descriptor[part];
        if (typeof original !== "function") continue;
        descriptor[part] = {
          [name](...args) {
            if (!brand.has(this)) throw refuse(cls, name, this);
            return original.call(this, ...args);
          },
        }[name];
      }
      Object.defineProperty(prototype, key, descriptor);
    }
    // The generated constructor and `__wrap` both do `obj.__wbg_ptr = ptr` on a fresh object
    // whose prototype chain reaches `prototype`: brand it there, and store the pointer as the
    // object's own property, as a plain assignment would have.
    Object.defineProperty(prototype, "__wbg_ptr", {
      configurable: true,
      enumerable: false,
      get() {
        return undefined;
      },
      set(ptr) {
        brand.mark(this);
        Object.defineProperty(this, "__wbg_ptr", { value: ptr, writable: true, enumerable: true, configurable: true });
      },
    });
  }
}

/**
 * The brand test of a class guarded by `guardReceivers`: `(object) => boolean`, for code that
 * replaces a guarded method and checks its receiver itself.
 */
export function brandTest(cls) {
  const brand = guarded.get(cls);
  if (brand === undefined) throw new Error(`${cls.name} is not guarded`);
  return brand.has;
}

/**
 * The generated method `name` of a guarded class, without its receiver check: for the entry's
 * own fast paths, which call it only on an object they have already checked (or made), so the
 * hot path pays for one check instead of two.
 */
export function unguardedMethod(cls, name) {
  const method = originals.get(cls)?.get(name);
  if (method === undefined) throw new Error(`${cls.name}.${name} is not a guarded method`);
  return method;
}

/** The TypeError a guarded method of `cls` throws for a foreign `this`. */
export function foreignReceiver(cls, name, receiver) {
  return refuse(cls, name, receiver);
}

/** Whether `cls` is a class generated by wasm-bindgen (it has `free` and `__destroy_into_raw`). */
export function isWasmClass(cls) {
  return typeof cls === "function" && typeof cls.prototype?.free === "function" && typeof cls.prototype.__destroy_into_raw === "function";
}
