KB_SEARCH.shard(["no",{"no":[1,2],"nor":[1,2],"north":[2,2],"norway":[0,2,1,12,2,2]}]);
