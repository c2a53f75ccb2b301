-- GET the URL's path through request(), so that the client does the same work per request as in
-- the scenarios with random ids (the ceiling is measured the same way).
local path
init = function(args) path = wrk.path end
request = function()
  return wrk.format("GET", path)
end
