-- wrk: GET $BENCH_PATH<random id from 1 to $BENCH_USERS>$BENCH_SUFFIX, so that every request
-- reads another row, as real clients do.
local path = os.getenv("BENCH_PATH")
local suffix = os.getenv("BENCH_SUFFIX") or ""
local users = tonumber(os.getenv("BENCH_USERS"))

request = function()
  return wrk.format("GET", path .. math.random(users) .. suffix)
end
