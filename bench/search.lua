-- wrk script: cycles over a file of URL-encoded queries (one a line, given as the script's
-- first argument), asking the search API for one page of 20 hits with its facets.
local queries = {}
local n = 0

init = function(args)
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(queries, line) end
  end
end

request = function()
  n = n % #queries + 1
  return wrk.format("GET", "/api/v1/search?per_page=20&q=" .. queries[n])
end
