-- wrk: GET $BENCH_PATH<random id from 1 to $BENCH_USERS>$BENCH_SUFFIX, so that every request
-- reads another row, as real clients do. With $BENCH_PACE_MS, each connection waits that long
-- on average (uniformly from half to one and a half times it) before each request, which holds
-- the load at a rate below the server's maximum instead of saturating it.
local path = os.getenv("BENCH_PATH")
local suffix = os.getenv("BENCH_SUFFIX") or ""
local users = tonumber(os.getenv("BENCH_USERS"))
local pace = tonumber(os.getenv("BENCH_PACE_MS") or "")

request = function()
  return wrk.format("GET", path .. math.random(users) .. suffix)
end

if pace then
  -- wrk takes whole milliseconds.
  local low = math.floor(pace / 2)
  local high = 2 * pace - low
  delay = function()
    return math.random(low, high)
  end
end
