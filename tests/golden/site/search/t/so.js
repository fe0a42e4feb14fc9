KB_SEARCH.shard(["so",{"source":[0,3,1,3,2,3]}]);
