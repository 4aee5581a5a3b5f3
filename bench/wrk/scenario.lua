-- wrk script for the benchmark. bench/load.py writes a header defining BENCH before this text:
--   BENCH = {mode = "get" or "autosave", path = "/...", sessions = {{cookie, csrf, body_a,
--            body_b, version}, ...}}
-- Each wrk thread has one connection and one officer's session, so an autosave thread can
-- carry its own response's version from one reply to the next request (no conflicts).

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  local sessions = BENCH.sessions
  session = nil
  if #sessions > 0 then
    session = sessions[((id - 1) % #sessions) + 1]
    wrk.headers["Cookie"] = session.cookie
    version = session.version
  end
  flip = false
  if BENCH.mode == "autosave" then
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    wrk.headers["X-CSRFToken"] = session.csrf
    wrk.headers["X-Requested-With"] = "fetch"
  end
end

function request()
  if BENCH.mode ~= "autosave" then
    return wrk.format("GET", BENCH.path)
  end
  flip = not flip
  local body = (flip and session.body_a or session.body_b) .. "&version=" .. version
  return wrk.format("POST", BENCH.path, nil, body)
end

function response(status, headers, body)
  -- A saved reply and a conflict reply both carry the response's current version.
  if BENCH.mode == "autosave" then
    local found = string.match(body, '"version": (%d+)')
    if found then version = tonumber(found) end
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "mean_us": %.1f, "status_errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.mean, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
