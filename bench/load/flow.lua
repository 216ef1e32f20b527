-- One request flow for wrk, configured by environment variables (bench/load/harness.py sets them):
--   LOAD_METHOD, LOAD_PATH          the request line
--   LOAD_CONTENT_TYPE               Content-Type of the body, if any
--   LOAD_MODE  body                 each item (a line of LOAD_ITEMS) is the request body
--              bearer               each item is a token sent as "Authorization: Bearer <item>"
--              register             the body is a fresh {"email","password"} per request (no items)
--              none                 no body, no items
--   LOAD_ITEMS, LOAD_THREADS        the item file; thread i of LOAD_THREADS takes lines i, i+T, ...
--   LOAD_ONCE=1                     use each item once (confirmation tokens): a thread that runs out
--                                   stops (its last request may repeat an item, which then fails)
--   LOAD_PREFIX, LOAD_PASSWORD      register mode: emails are <prefix>-<thread>-<n>@load.test
-- Every response's status is counted; done() prints one JSON line (prefix "LOADRESULT ").
local threads = {}
local created = 0

function setup(thread)
  thread:set("id", created)
  created = created + 1
  table.insert(threads, thread)
end

function init(args)
  method = os.getenv("LOAD_METHOD") or "GET"
  path = os.getenv("LOAD_PATH")
  mode = os.getenv("LOAD_MODE") or "none"
  once = os.getenv("LOAD_ONCE") == "1"
  prefix = os.getenv("LOAD_PREFIX") or "load"
  password = os.getenv("LOAD_PASSWORD") or "load-Pa55word!"
  headers = {}
  local ctype = os.getenv("LOAD_CONTENT_TYPE")
  if ctype then headers["Content-Type"] = ctype end
  items = {}
  local file = os.getenv("LOAD_ITEMS")
  if file then
    local total = tonumber(os.getenv("LOAD_THREADS"))
    local i = 0
    for line in io.lines(file) do
      if i % total == id then table.insert(items, line) end
      i = i + 1
    end
  end
  statuses = {}
  next_item = 1
  made = 0
  exhausted = 0
end

function request()
  local body = nil
  if mode == "register" then
    made = made + 1
    body = string.format('{"email":"%s-%d-%d@load.test","password":"%s"}', prefix, id, made, password)
  elseif mode == "body" or mode == "bearer" then
    if next_item > #items then
      if once then
        exhausted = 1
        wrk.thread:stop()
        next_item = #items
      else
        next_item = 1
      end
    end
    local item = items[next_item]
    next_item = next_item + 1
    if mode == "bearer" then headers["Authorization"] = "Bearer " .. item else body = item end
  end
  return wrk.format(method, path, headers, body)
end

function response(status, hdrs, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  local ran_out = 0
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do counts[code] = (counts[code] or 0) + n end
    ran_out = ran_out + thread:get("exhausted")
  end
  local parts = {}
  for code, n in pairs(counts) do table.insert(parts, string.format('"%s":%d', code, n)) end
  local e = summary.errors
  io.write(string.format(
    'LOADRESULT {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"mean_us":%.1f,"statuses":{%s},"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,' ..
    '"threads_ran_out":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    table.concat(parts, ","), e.connect, e.read, e.write, e.timeout, ran_out))
end
