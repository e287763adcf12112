-- wrk: POST /api/v1/users with a new email each time; $BENCH_RUN_TAG keeps the emails of one
-- run apart from every other run's (wrk's Lua random numbers repeat from run to run).
local tag = os.getenv("BENCH_RUN_TAG")
local counter = 0

request = function()
  counter = counter + 1
  local body = string.format('{"name":"Bench Writer%d","email":"w%d-%s@example.com"}', counter, counter, tag)
  return wrk.format("POST", "/api/v1/users", { ["content-type"] = "application/json" }, body)
end
