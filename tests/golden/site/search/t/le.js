KB_SEARCH.shard(["le",{"lesson":[0,3,1,3,2,3]}]);
