KB_SEARCH.shard(["pe",{"people":[0,2]}]);
