KB_SEARCH.shard(["pr",{"practice":[0,1,1,1,2,1]}]);
