-- «Записаться на прием» sent again and again, each with its own form key,
-- so each is a new request (COOKIE, ORIGIN and DESIRED_DATE from the
-- environment).
local counter = 0
local thread_id = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function request()
  counter = counter + 1
  local key = string.format("bench-load-%d-%d-%010d", os.time(), thread_id, counter)
  local body = "idempotency_key=" .. key ..
    "&reason=%D0%9F%D1%80%D0%BE%D1%84%D0%BE%D1%81%D0%BC%D0%BE%D1%82%D1%80" ..
    "&desired_date=" .. os.getenv("DESIRED_DATE") ..
    "&specialist=%D0%9E%D1%80%D1%82%D0%BE%D0%BF%D0%B5%D0%B4" ..
    "&clinic=spir&time_of_day=morning&comment="
  return wrk.format("POST", "/api/booking/send", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Origin"] = os.getenv("ORIGIN"),
    ["Cookie"] = os.getenv("COOKIE"),
  }, body)
end
