KB_SEARCH.shard(["wa",{"was":[0,1,1,1,2,1]}]);
