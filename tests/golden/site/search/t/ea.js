KB_SEARCH.shard(["ea",{"eastern":[0,2,2,2]}]);
