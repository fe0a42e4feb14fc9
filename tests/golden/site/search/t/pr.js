KB_SEARCH.shard(["pr",{"practice":[0,3,1,3,2,1]}]);
