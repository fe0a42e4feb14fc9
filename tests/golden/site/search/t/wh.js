KB_SEARCH.shard(["wh",{"what":[0,2,1,2,2,2]}]);
