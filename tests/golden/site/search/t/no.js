KB_SEARCH.shard(["no",{"no":[1,2],"nor":[1,2],"north":[2,4],"northern":[1,2],"norway":[0,2,1,14,2,2]}]);
