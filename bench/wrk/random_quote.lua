-- POST /v1/catalog/products/{id}/quote for a random line of QUOTES: "<id> <json body>".
local quotes = {}
for line in io.lines(os.getenv("QUOTES")) do
  local id, body = line:match("^(%S+) (.*)$")
  quotes[#quotes + 1] = { "/v1/catalog/products/" .. id .. "/quote", body }
end
math.randomseed(os.time())
wrk.headers["Content-Type"] = "application/json"
request = function()
  local q = quotes[math.random(#quotes)]
  return wrk.format("POST", q[1], nil, q[2])
end
