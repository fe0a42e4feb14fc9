KB_SEARCH.shard(["go",{"good":[0,2,1,2]}]);
