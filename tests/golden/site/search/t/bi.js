KB_SEARCH.shard(["bi",{"bilateral":[0,2,1,2,2,2]}]);
