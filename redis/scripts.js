// The Lua scripts behind `RedisLeases` and `RedisFencedStore`: one script per method, each the
// shared header (server time, raw state, token rule), acquire's and release's fast paths, the
// shared prelude (state codec, lazy expiry, grants) and the method's body.
//
// State of one lock or election: one string key `{<prefix>:<name>}:lock` (or `:election`)
// holding these fields, as a MessagePack map (cmsgpack packs integral numbers as int64, so
// tokens and times round-trip exactly), or, for the common states with no waiters, no
// lock-delay and no finished requests remembered (only h, le and lt), in a compact form that
// is cheaper to decode and encode (see STATE_CODEC):
//   h  = holder { o = owner, t = token, g = grantedAtMs, e = expiresAtMs, r = requestId?,
//                 a = the client's own request key? }
//   q  = waiters in grant order, each { o, r?, a?, l = ttlMs, d = deadlineMs }
//   b  = lock-delay end (ms), if blocked
//   le = the last ended lease { o, t, x = expired (bool), at }
//   dn = finished requests with a caller's request id: [owner-length ":" owner requestId] =
//        { k = token?, at } (a client's own request key `a` is never remembered here)
//   lt = the last token granted on this key
// Times are the server's `TIME` in ms. The key is deleted when nothing is held, queued, blocked
// or remembered, and otherwise expires (SET … PXAT, Redis 6.2 or later) `maxTtlMs` after the
// last instant it has to remember, so an abandoned resource costs nothing for ever. A grant to
// a waiter is announced on the resource's pub/sub channel (the new holder's name), which is
// what `withLock` listens to.
//
// ARGV common to the lease scripts: maxTtlMs, lockDelayMs, fifo ("1"/"0"), then the method's
// own arguments from ARGV[4] (TTLs arrive checked against minTtlMs and maxTtlMs).

// Every lease script starts with HEADER (the server's time, the raw state, the state codec,
// the token rule), then, for acquire and release, a fast path for the common case that returns
// early (nothing else runs: no state machinery; on the compact form, no tables either), then
// PRELUDE (the state machinery) and the method's body. A fast path covers only states where
// the full path is known to do the same thing (same reply, same stored state, same key
// expiry); anything else falls through.

// The compact form: struct-packed, big-endian. Byte 1 (a MessagePack map never starts with it),
// a byte of flags (1: h present, 2: le present), lt as int64; then if h: o (uint32 length +
// bytes), t, g, e (int64), r and a (uint32 length + bytes, length 0 when absent); then if le:
// o, t, x (byte 0 or 1), at. Every other state is MessagePack. decode() reads either form into
// the same table; encode() picks the form. chaos/lock-state.mjs reads both in JavaScript.
const STATE_CODEC = `
local function decode(s)
  if string.byte(s, 1) ~= 1 then return cmsgpack.unpack(s) end
  local _, f, lt, i = struct.unpack('>BBi8', s)
  local st = { lt = lt }
  if f % 2 == 1 then
    local o, t, g, e, r, a
    o, t, g, e, r, a, i = struct.unpack('>I4c0i8i8i8I4c0I4c0', s, i)
    if r == '' then r = nil end
    if a == '' then a = nil end
    st.h = { o = o, t = t, g = g, e = e, r = r, a = a }
  end
  if f >= 2 then
    local o, t, x, at = struct.unpack('>I4c0i8Bi8', s, i)
    st.le = { o = o, t = t, x = x == 1, at = at }
  end
  return st
end

local function encode(st)
  if st.q ~= nil or st.b ~= nil or st.dn ~= nil then return cmsgpack.pack(st) end
  local h, le = st.h, st.le
  local f = 0
  if h then f = 1 end
  if le then f = f + 2 end
  local out = struct.pack('>BBi8', 1, f, st.lt or 0)
  if h then
    local r, a = h.r or '', h.a or ''
    out = out .. struct.pack('>I4c0i8i8i8I4c0I4c0', #h.o, h.o, h.t, h.g, h.e, #r, r, #a, a)
  end
  if le then
    local x = 0
    if le.x then x = 1 end
    out = out .. struct.pack('>I4c0i8Bi8', #le.o, le.o, le.t, x, le.at)
  end
  return out
end
`;

const HEADER = `
local KEY = KEYS[1]
local MAX_TTL = tonumber(ARGV[1])
local LOCK_DELAY = tonumber(ARGV[2])
local FIFO = ARGV[3] == '1'
local clock = redis.call('TIME')
local NOW = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local NOW_US = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local raw = redis.call('GET', KEY)
local S
${STATE_CODEC}
-- A fencing token: above the last one on this key, and at least the server's time in
-- microseconds, so it keeps growing after the key (or the whole dataset) is lost.
local function next_token()
  local token = S.lt + 1
  if NOW_US > token then token = NOW_US end
  S.lt = token
  return token
end
`;

/** The state machinery shared by the lease scripts' full paths (after HEADER). */
export const PRELUDE = `
if S == nil then
  if raw then S = decode(raw) else S = {} end
end
S.q = S.q or {}
S.dn = S.dn or {}
S.lt = S.lt or 0
local published = false

local function retained(at)
  return NOW < at + MAX_TTL
end

local function done_key(owner, rk)
  return string.len(owner) .. ':' .. owner .. rk
end

local function grant(owner, ttl, r, a, t)
  local h = { o = owner, t = next_token(), g = t, e = t + ttl, r = r, a = a }
  S.h = h
  return h
end

local function end_lease(expired, t)
  local h = S.h
  if not h then return end
  S.h = nil
  if h.r then S.dn[done_key(h.o, h.r)] = { k = h.t, at = t } end
  S.le = { o = h.o, t = h.t, x = expired, at = t }
  if expired and LOCK_DELAY > 0 then S.b = t + LOCK_DELAY end
end

local function dequeue(i, t)
  local w = table.remove(S.q, i)
  if w.r then S.dn[done_key(w.o, w.r)] = { at = t } end
end

-- Grants the first waiter; announces it on the channel, where waiting clients listen.
local function grant_next(t)
  if S.h or S.b or #S.q == 0 then return nil end
  local w = table.remove(S.q, 1)
  published = true
  return grant(w.o, w.l, w.r, w.a, t)
end

local function next_due()
  local due = nil
  if S.h then due = S.h.e end
  if S.b and (not due or S.b < due) then due = S.b end
  for _, w in ipairs(S.q) do
    if not due or w.d < due then due = w.d end
  end
  return due
end

-- Lazy expiry: processes everything due at or before NOW, in time order, as if it had
-- happened at its own instant (a waiter granted when a lease expired at t gets [t, t + ttl)).
local function settle()
  while true do
    local t = next_due()
    if not t or t > NOW then break end
    local i = 1
    while i <= #S.q do
      if S.q[i].d <= t then dequeue(i, t) else i = i + 1 end
    end
    if S.h and S.h.e <= t then end_lease(true, t) end
    if S.b and S.b <= t then S.b = nil end
    grant_next(t)
  end
end

local function is_idle()
  return S.h == nil and #S.q == 0 and S.b == nil
end

local function position(owner)
  for i, w in ipairs(S.q) do
    if w.o == owner then return i end
  end
  return nil
end

local function insert_at(owner)
  if FIFO then return #S.q + 1 end
  local i = 1
  while i <= #S.q and S.q[i].o < owner do i = i + 1 end
  return i
end

-- nil if owner holds with token, else the rejection reason.
local function check_holder(owner, token)
  if S.h and S.h.o == owner and S.h.t == token then return nil end
  local ended = S.le
  if ended and not retained(ended.at) then ended = nil end
  if ended and ended.o == owner and ended.t == token then
    if ended.x then return 'expired' end
    return 'released'
  end
  if S.h and S.h.o == owner then return 'wrongToken' end
  if not is_idle() or ended then return 'notHolder' end
  return 'unknownResource'
end

local function save()
  local keep = 0
  if next(S.dn) ~= nil then
    for k, d in pairs(S.dn) do
      if not retained(d.at) then S.dn[k] = nil elseif d.at > keep then keep = d.at end
    end
  end
  local le = S.le
  if le then
    if not retained(le.at) then S.le = nil elseif le.at > keep then keep = le.at end
  end
  if S.h and S.h.e > keep then keep = S.h.e end
  if S.b and S.b > keep then keep = S.b end
  for _, w in ipairs(S.q) do
    if w.d > keep then keep = w.d end
  end
  local q, dn = S.q, S.dn
  if #q == 0 then S.q = nil end
  if next(dn) == nil then S.dn = nil end
  if S.h == nil and S.q == nil and S.b == nil and S.dn == nil and S.le == nil then
    if raw then redis.call('DEL', KEY) end
  else
    redis.call('SET', KEY, encode(S), 'PXAT', keep + MAX_TTL + 1)
  end
  S.q, S.dn = q, dn
  if published then
    local who = ''
    if S.h then who = S.h.o end
    redis.call('PUBLISH', KEY .. ':events', who)
  end
end

local function lease_reply(h)
  if not h then return false end
  return { h.o, h.t, h.g, h.e, h.r or false }
end

-- A call only the holder may make: settles, then answers { 'rejected', reason } unless owner
-- holds the live lease with token, else what apply() answers (apply changes S); saves either way.
local function as_holder(owner, token, apply)
  settle()
  local reason = check_holder(owner, token)
  local out
  if reason then
    out = { 'rejected', reason }
  else
    out = apply()
  end
  save()
  return out
end
`;

// Forgets finished requests past retention and stores S (which holds a lease, so is never
// idle) until maxTtlMs after the last instant it remembers: what save() does for such a state.
// keep starts at the latest instant the caller knows of (the lease's end, the release).
const SAVE_HELD_OR_ENDED = `
local dn = S.dn
if dn then
  for k, d in pairs(dn) do
    if NOW >= d.at + MAX_TTL then dn[k] = nil elseif d.at > keep then keep = d.at end
  end
  if next(dn) == nil then S.dn = nil end
end
redis.call('SET', KEY, encode(S), 'PXAT', keep + MAX_TTL + 1)
`;

// Acquire's fast path: the key is absent (nothing held, queued, blocked or remembered), or the
// resource is idle (no holder, no queue, no lock-delay) and this is not the retry of a
// finished request: grant at once.
const ACQUIRE_FAST = `
local owner, ttl = ARGV[4], tonumber(ARGV[5])
local wait = nil
if ARGV[6] ~= '' then wait = tonumber(ARGV[6]) end
local r, a = nil, nil
if ARGV[7] ~= '' then r = ARGV[7] end
if ARGV[8] ~= '' then a = ARGV[8] end
local flags = nil
if raw and string.byte(raw, 1) == 1 then flags = string.byte(raw, 2) end
if not raw or (flags and flags % 2 == 0) then
  -- Absent, or compact with no holder (so no waiters, lock-delay or finished requests): grant,
  -- reading and writing the compact form directly (what decode, grant and encode would do).
  S = { lt = 0 }
  if raw then S.lt = struct.unpack('>i8', raw, 3) end
  local t = next_token()
  local e = NOW + ttl
  local keep, f, ended = e, 1, ''
  if flags == 2 then
    local at = struct.unpack('>i8', raw, #raw - 7)
    if NOW < at + MAX_TTL then
      f, ended = 3, string.sub(raw, 11)
      if at > keep then keep = at end
    end
  end
  local rr, aa = r or '', a or ''
  redis.call('SET', KEY,
    struct.pack('>BBi8I4c0i8i8i8I4c0I4c0', 1, f, t, #owner, owner, t, NOW, e, #rr, rr, #aa, aa) .. ended,
    'PXAT', keep + MAX_TTL + 1)
  return { 'granted', t, e }
end
S = decode(raw)
if S.h == nil and S.q == nil and S.b == nil then
  local d = nil
  if r and S.dn then d = S.dn[string.len(owner) .. ':' .. owner .. r] end
  if d == nil or NOW >= d.at + MAX_TTL then
    S.lt = S.lt or 0
    local t = next_token()
    local e = NOW + ttl
    S.h = { o = owner, t = t, g = NOW, e = e, r = r, a = a }
    local keep = e
    local le = S.le
    if le then
      if NOW >= le.at + MAX_TTL then S.le = nil elseif le.at > keep then keep = le.at end
    end
    ${SAVE_HELD_OR_ENDED}
    return { 'granted', t, e }
  end
end
`;

const ACQUIRE = `
-- Whether a lease or queue entry was made by this very request (a retry, or a resend after a
-- lost reply): by the caller's request id, else by the client's own request key, which is
-- never remembered after the lease or entry ends.
local function same(x)
  if r then return x.r == r end
  return a ~= nil and x.a == a
end
settle()
local deadline = nil
if wait then deadline = NOW + wait end
local out = nil
if S.h and S.h.o == owner and same(S.h) then
  out = { 'granted', S.h.t, S.h.e }
elseif r then
  local d = S.dn[done_key(owner, r)]
  if d and not retained(d.at) then d = nil end
  local i = position(owner)
  local queued = i and S.q[i].r == r
  if d and not queued then out = { 'finished', d.k or false } end
end
if out then
  -- a retry: nothing changes
elseif S.h and S.h.o == owner then
  out = { 'busy', S.h.o, S.h.e }
elseif position(owner) then
  local i = position(owner)
  if deadline then S.q[i].d = deadline end
  out = { 'queued', i }
elseif deadline and not is_idle() then
  local i = insert_at(owner)
  table.insert(S.q, i, { o = owner, r = r, a = a, l = ttl, d = deadline })
  out = { 'queued', i }
elseif S.h then
  out = { 'busy', S.h.o, S.h.e }
elseif S.b then
  out = { 'delayed', S.b }
else
  local h = grant(owner, ttl, r, a, NOW)
  out = { 'granted', h.t, h.e }
end
save()
return out
`;

const RENEW = `
local owner, token, ttl = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
return as_holder(owner, token, function()
  S.h.g = NOW
  S.h.e = NOW + ttl
  return { 'renewed', S.h.e }
end)
`;

// Release's fast path: the caller holds the live lease and nobody waits and no lock-delay
// runs: end the lease, remember it (and its request id), grant nobody.
const RELEASE_FAST = `
local owner, token = ARGV[4], tonumber(ARGV[5])
if raw and string.byte(raw, 1) == 1 and string.byte(raw, 2) % 2 == 1 then
  -- Compact, held: the holder's release without a request id leaves { le, lt }, compact.
  local _, _, lt, o, t, _, e, hr = struct.unpack('>BBi8I4c0i8i8i8I4c0', raw)
  if o == owner and t == token and NOW < e and hr == '' then
    redis.call('SET', KEY, struct.pack('>BBi8I4c0i8Bi8', 1, 2, lt, #owner, owner, t, 0, NOW),
      'PXAT', NOW + MAX_TTL + 1)
    return { 'released', false }
  end
end
if raw then
  S = decode(raw)
  local h = S.h
  if h and h.o == owner and h.t == token and NOW < h.e and S.q == nil and S.b == nil then
    S.h = nil
    if h.r then
      S.dn = S.dn or {}
      S.dn[string.len(owner) .. ':' .. owner .. h.r] = { k = h.t, at = NOW }
    end
    S.le = { o = owner, t = h.t, x = false, at = NOW }
    local keep = NOW
    ${SAVE_HELD_OR_ENDED}
    return { 'released', false }
  end
end
`;

const RELEASE = `
return as_holder(owner, token, function()
  end_lease(false, NOW)
  return { 'released', lease_reply(grant_next(NOW)) }
end)
`;

const CANCEL = `
local owner = ARGV[4]
settle()
local i = position(owner)
local out = { 'notQueued' }
if i then
  dequeue(i, NOW)
  out = { 'left', i }
end
save()
return out
`;

const HOLDER = `
settle()
save()
return lease_reply(S.h)
`;

const WAITERS = `
settle()
save()
local names = {}
for i, w in ipairs(S.q) do names[i] = w.o end
return names
`;

const CAMPAIGN = `
local candidate, ttl = ARGV[4], tonumber(ARGV[5])
settle()
local leader = false
if S.h then leader = S.h.o end
local deadline = NOW + ttl
local out
if S.h and S.h.o == candidate then
  S.h.g = NOW
  S.h.e = deadline
  out = { 'leader', S.h.t, deadline }
elseif position(candidate) then
  local i = position(candidate)
  S.q[i].d = deadline
  S.q[i].l = ttl
  out = { 'candidate', i, leader }
elseif is_idle() then
  local h = grant(candidate, ttl, nil, nil, NOW)
  out = { 'leader', h.t, h.e }
else
  local i = insert_at(candidate)
  table.insert(S.q, i, { o = candidate, l = ttl, d = deadline })
  out = { 'candidate', i, leader }
end
save()
return out
`;

// Used after a connection failed during an acquire whose reply never arrived: drops the lease
// or queue entry that request made (matched by the client's own request key), if any.
const ABANDON = `
local owner, a = ARGV[4], ARGV[5]
settle()
local out = 'none'
if S.h and S.h.o == owner and S.h.a == a then
  end_lease(false, NOW)
  grant_next(NOW)
  out = 'released'
else
  local i = position(owner)
  if i and S.q[i].a == a then
    dequeue(i, NOW)
    out = 'left'
  end
end
save()
return out
`;

/** The lease scripts by method name, each complete (prelude + body). */
export const LEASE_SCRIPTS = Object.freeze({
  acquire: HEADER + ACQUIRE_FAST + PRELUDE + ACQUIRE,
  renew: HEADER + PRELUDE + RENEW,
  release: HEADER + RELEASE_FAST + PRELUDE + RELEASE,
  cancel: HEADER + PRELUDE + CANCEL,
  holder: HEADER + PRELUDE + HOLDER,
  waiters: HEADER + PRELUDE + WAITERS,
  campaign: HEADER + PRELUDE + CAMPAIGN,
  abandon: HEADER + PRELUDE + ABANDON,
});

// The fenced store: one hash per key `{<prefix>:<key>}:fenced` with fields v (the value as
// JSON text), t (the highest token accepted, decimal) and n (the version, decimal). Tokens
// arrive as decimal strings and are compared as numbers (exact below 2^53).
const WRITE = `
local cur = redis.call('HMGET', KEYS[1], 't', 'n')
local highest = tonumber(cur[1] or '0')
local version = tonumber(cur[2] or '0')
if tonumber(ARGV[2]) < highest then
  return { 'staleToken', highest }
end
version = version + 1
redis.call('HSET', KEYS[1], 'v', ARGV[1], 't', ARGV[2], 'n', string.format('%d', version))
return { 'accepted', version }
`;

const COMPARE_AND_SET = `
local version = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
if version ~= tonumber(ARGV[1]) then
  return { 'rejected', version }
end
version = version + 1
if version == 1 then
  redis.call('HSET', KEYS[1], 'v', ARGV[2], 't', '0', 'n', '1')
else
  redis.call('HSET', KEYS[1], 'v', ARGV[2], 'n', string.format('%d', version))
end
return { 'accepted', version }
`;

const READ = `
local cur = redis.call('HMGET', KEYS[1], 'v', 't', 'n')
if not cur[3] then return false end
return cur
`;

// A fenced read: refused below the key's highest token, else the reader's token becomes the
// highest (value and version untouched). A key that does not exist registers nothing.
const FENCED_READ = `
local cur = redis.call('HMGET', KEYS[1], 'v', 't', 'n')
if not cur[3] then return false end
local highest = tonumber(cur[2] or '0')
if tonumber(ARGV[1]) < highest then
  return { 'staleToken', cur[2] }
end
if tonumber(ARGV[1]) > highest then
  redis.call('HSET', KEYS[1], 't', ARGV[1])
  cur[2] = ARGV[1]
end
return { 'accepted', cur[1], cur[2], cur[3] }
`;

/** The store scripts by method name. */
export const STORE_SCRIPTS = Object.freeze({
  write: WRITE,
  compareAndSet: COMPARE_AND_SET,
  read: READ,
  fencedRead: FENCED_READ,
});
