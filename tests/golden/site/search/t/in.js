KB_SEARCH.shard(["in",{"information":[0,2]}]);
