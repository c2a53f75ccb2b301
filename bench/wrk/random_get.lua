-- GET <prefix><id><suffix> for a random id of the file IDS names (one per line).
local ids = {}
local prefix = os.getenv("PATH_PREFIX") or "/v1/catalog/products/"
local suffix = os.getenv("PATH_SUFFIX") or ""
for line in io.lines(os.getenv("IDS")) do ids[#ids + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", prefix .. ids[math.random(#ids)] .. suffix)
end
